// Child process entry of the malformed-input fuzzer (see pool.ts).
import { serveCases } from './pool.js';
import { runMalformedCase, type MalformedJob, type MalformedResult } from './malformed-case.js';

serveCases<MalformedJob, MalformedResult>((job, phase) => {
  try {
    return runMalformedCase(job, phase);
  } catch (e) {
    // runMalformedCase classifies every engine error itself: reaching here is a fuzzer bug.
    return { status: 'finding', stage: 'harness', error: `fuzzer harness threw: ${String((e as Error)?.stack ?? e)}` };
  }
});
