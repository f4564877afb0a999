// Child process entry of the differential fuzzer (see pool.ts).
import { serveCases } from './pool.js';
import { runDiffCase, type DiffJob, type DiffResult } from './diff-case.js';
import { cleanupTtf } from './ttf.js';

process.on('exit', cleanupTtf);
serveCases<DiffJob, DiffResult>(async (job, phase) => {
  try {
    return await runDiffCase(job, phase);
  } catch (e) {
    return { status: 'error', error: String((e as Error)?.stack ?? e), bytes: job.bytes };
  }
});
