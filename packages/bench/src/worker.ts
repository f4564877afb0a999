// Entry point of every measurement process: `node [engine flags] dist/worker.js '<job>'`.
// Prints one `BENCH-RESULT <json>` line; anything else on stdout/stderr is diagnostics.
import { RESULT_PREFIX, type Job } from './jobs.js';
import { runExecJob, runPairJob } from './worker-exec.js';
import { runCompileJob } from './worker-compile.js';
import { runCallsJob } from './worker-calls.js';
import { runProbeJob } from './worker-probe.js';
import { runCacheCompileJob } from './worker-cache.js';
import { runValidateJob } from './worker-validate.js';
import { runTextJob } from './worker-text.js';

async function run(job: Job): Promise<unknown> {
  switch (job.kind) {
    case 'exec': return runExecJob(job);
    case 'pair': return runPairJob(job);
    case 'compile': return runCompileJob(job);
    case 'calls': return runCallsJob(job);
    case 'probe': return runProbeJob();
    case 'cache-compile': return runCacheCompileJob(job);
    case 'validate': return runValidateJob(job);
    case 'text': return runTextJob(job);
  }
}

const arg = process.argv[2];
if (!arg) {
  console.error('usage: worker.js <job json> (started by the bench CLI)');
  process.exit(2);
}
const result = await run(JSON.parse(arg) as Job);
process.stdout.write(`\n${RESULT_PREFIX}${JSON.stringify(result)}\n`);
// Pipes are synchronous on Linux, so the line is out; exit without waiting for handles
// (finalizers, the native add-on) that have nothing left to say.
process.exit(0);
