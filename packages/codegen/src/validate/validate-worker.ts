// Entry point of a validation worker (parallel.ts). For each job it decodes its own copy of
// the module's structure from the shared bytes (validated already by the caller) and
// validates ranges of bodies until the shared counter runs out, recording each range's
// answer in the shared state array. Which error an invalid range has is not its concern:
// the caller finds that out again on its own thread.
import { parentPort } from 'node:worker_threads';
import { redecodeModule } from '../wasm/module.js';
import type { WasmModule } from '../wasm/types.js';
import { validateBodies } from './function.js';
import { RangeState, VCtl, type ValidateJob } from './parallel.js';

parentPort!.on('message', (job: ValidateJob) => run(job));

function run(job: ValidateJob): void {
  const ctl = new Int32Array(job.ctl);
  const count = job.ranges.length / 2;
  let module: WasmModule | null = null;
  for (;;) {
    // Checked before taking a range: a job the caller has finished costs nothing, not even the decode.
    if (Atomics.load(ctl, VCtl.Next) >= count) return;
    const k = Atomics.add(ctl, VCtl.Next, 1);
    if (k >= count) return;
    let state = RangeState.Valid;
    try {
      module ??= redecodeModule(new Uint8Array(job.bytes, 0, job.byteLength));
      const to = job.ranges[2 * k + 1]!;
      validateBodies(module, job.ranges[2 * k]!, to, { simd: job.simd }, to);
    } catch {
      state = RangeState.Invalid;
    }
    if (Atomics.compareExchange(ctl, VCtl.States + k, RangeState.Free, state) === RangeState.Free) Atomics.add(ctl, VCtl.Done, 1);
    Atomics.notify(ctl, VCtl.Done);
  }
}
