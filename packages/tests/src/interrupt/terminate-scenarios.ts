// Child-process entry (not a test file): worker.terminate() on workers spinning in wasm, run
// in a process of its own so that a worker that cannot be stopped fails the test instead of
// hanging the test runner (a process with such a worker cannot even exit normally).
//
//   node terminate-scenarios.js ROUNDS    prints one JSON TerminateReport line
//
// For each spin kind, ROUNDS times: a worker spins and is terminated, then the main thread
// computes with wasm. Then once more per kind with a second worker computing in wasm while
// the spinning one is terminated: its results must be right (latencies of those rounds are
// not counted, the extra load would only blur them). A terminate() that has not resolved
// after STUCK_MS is reported as stuck, and the process then kills itself (exit would wait
// for the stuck worker forever).
import '@wasmjit/runtime'; // the main thread loads the add-ons first (see stack/workers.test.ts)
import { Worker } from 'node:worker_threads';
import { Engine } from '@wasmjit/runtime';
import { FIB_N, FIB_RESULT, SPIN_KINDS, spinBytes, type SpinExports, type SpinKind } from './spin-programs.js';

const STUCK_MS = 5000;
/** The computing worker's rounds of fib(FIB_N): a few hundred ms. */
const WORK_ROUNDS = 150;

export interface TerminateReport {
  /** Milliseconds from terminate() to its promise resolving, per kind and round. */
  latencies: Record<string, number[]>;
  /** The exit codes terminate() resolved with. */
  exitCodes: number[];
  /** Kinds whose terminate() did not resolve within STUCK_MS ('snapshot': the heap snapshot). */
  stuck: string[];
  /** Size of the heap snapshot of a worker spinning in "loop". */
  snapshotBytes: number;
  /** Whether a spinning worker ever returned from its loop (it must not). */
  returned: boolean;
  /** Engine defaults: in a worker and on this main thread. */
  workerHostInterrupts: boolean;
  mainHostInterrupts: boolean;
  /** fib(FIB_N) on the main thread after each termination. */
  mainFib: number[];
  /** Per kind: whether the worker that computed meanwhile got all its WORK_ROUNDS results right. */
  survivorOk: boolean[];
}

type Message = 'spinning' | 'returned' | { engine?: { hostInterrupts: boolean }; results?: number[] };

function start(data: object, onMessage: (m: Message) => void): Worker {
  const w = new Worker(new URL('./worker-spin.js', import.meta.url), { workerData: data });
  w.on('message', onMessage);
  w.on('error', (e) => {
    console.error(`worker error: ${String(e)}`);
  });
  return w;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves after `ms` without keeping the process alive (the losing side of a race). */
function deadline(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const report: TerminateReport = {
    latencies: {}, exitCodes: [], stuck: [], snapshotBytes: 0, returned: false,
    workerHostInterrupts: false, mainHostInterrupts: new Engine().hostInterrupts, mainFib: [], survivorOk: [],
  };
  const mainEngine = new Engine();
  const main = mainEngine.instantiate(mainEngine.compile(await spinBytes()), { js: { reenter: () => {} } })
    .exports as unknown as SpinExports;
  const stuck = (what: string): never => {
    report.stuck.push(what);
    console.log(JSON.stringify(report));
    process.kill(process.pid, 'SIGKILL');
    throw new Error('unreachable');
  };
  /**
   * Spins a worker of `kind`, runs `meanwhile` on it, terminates it: the latency (a stuck one
   * ends the process).
   */
  const spinAndTerminate = async (kind: SpinKind, meanwhile?: (w: Worker) => Promise<void>): Promise<number> => {
    let spinning!: () => void;
    const isSpinning = new Promise<void>((res) => (spinning = res));
    const spinner = start({ kind }, (m) => {
      if (m === 'spinning') spinning();
      else if (m === 'returned') report.returned = true;
      else if (typeof m === 'object' && m.engine) report.workerHostInterrupts = m.engine.hostInterrupts;
    });
    await isSpinning;
    await sleep(50); // well inside the loop by now
    if (meanwhile) await meanwhile(spinner);
    const t0 = performance.now();
    const outcome = await Promise.race([spinner.terminate(), deadline(STUCK_MS).then(() => 'stuck' as const)]);
    if (outcome === 'stuck') stuck(kind);
    const ms = performance.now() - t0;
    report.exitCodes.push(outcome as number);
    report.mainFib.push(main.fib(FIB_N));
    return ms;
  };
  for (const kind of SPIN_KINDS) {
    report.latencies[kind] = [];
    for (let r = 0; r < rounds; r++) report.latencies[kind]!.push(await spinAndTerminate(kind));
    let workDone!: (r: number[]) => void;
    const work = new Promise<number[]>((res) => (workDone = res));
    const worker = start({ kind: 'work', n: FIB_N, rounds: WORK_ROUNDS }, (m) => {
      if (typeof m === 'object' && m.results) workDone(m.results);
    });
    await spinAndTerminate(kind);
    const results = await work;
    report.survivorOk.push(results.length === WORK_ROUNDS && results.every((x) => x === FIB_RESULT));
    await worker.terminate();
  }
  await spinAndTerminate('loop', async (w) => {
    const snapshot = async (): Promise<number> => {
      let bytes = 0;
      for await (const chunk of await w.getHeapSnapshot()) bytes += (chunk as Buffer).length;
      return bytes;
    };
    const bytes = await Promise.race([snapshot(), deadline(10 * STUCK_MS).then(() => -1)]);
    if (bytes < 0) stuck('snapshot');
    report.snapshotBytes = bytes;
  });
  console.log(JSON.stringify(report));
}

await main();
