// Host interrupts: a worker spinning in wasm is stopped by worker.terminate() and by the main
// thread's process.exit(), and the rest of the process carries on. The scenarios run in child
// processes (terminate-scenarios.ts, exit-while-spinning.ts): a worker that cannot be stopped
// keeps its process from ever exiting, which must fail a test, not hang the runner.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { FIB_RESULT, SPIN_KINDS } from './spin-programs.js';
import type { TerminateReport } from './terminate-scenarios.js';

const SCENARIOS = fileURLToPath(new URL('./terminate-scenarios.js', import.meta.url));
const EXIT_WHILE_SPINNING = fileURLToPath(new URL('./exit-while-spinning.js', import.meta.url));

/**
 * The issue asks for terminate() within 100 ms (measured medians: docs/interrupt.md); the
 * bound asserted here is generous for a loaded 2-core CI machine.
 */
const TERMINATE_BOUND_MS = 1000;
const ROUNDS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe('interrupt: host interrupts (worker.terminate, process.exit)', function () {
  this.timeout(180_000);

  it('terminate() stops a worker spinning in wasm (loop, loop of calls, wasm -> JS -> wasm); the process carries on; a heap snapshot of such a worker works', () => {
    const r = spawnSync(process.execPath, [SCENARIOS, String(ROUNDS)], { encoding: 'utf8', timeout: 150_000 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    expect(line, `no report; stderr: ${r.stderr}`).to.match(/^\{/);
    const report = JSON.parse(line) as TerminateReport;
    expect(report.stuck, 'workers whose terminate() never resolved').to.deep.equal([]);
    expect(r.status, r.stderr).to.equal(0);
    expect(report.workerHostInterrupts, 'the default in a worker').to.equal(true);
    expect(report.mainHostInterrupts, 'the default on the main thread').to.equal(false);
    expect(report.returned, 'a spinning loop returned').to.equal(false);
    for (const kind of SPIN_KINDS) {
      const ms = report.latencies[kind]!;
      expect(ms, kind).to.have.length(ROUNDS);
      for (const t of ms) expect(t, `${kind}: terminate() latency (ms)`).to.be.below(TERMINATE_BOUND_MS);
      console.log(`      terminate() of a worker in "${kind}": median ${median(ms).toFixed(1)} ms (${ms.map((t) => t.toFixed(0)).join(', ')})`);
    }
    // terminate() resolves with exit code 1, like for a worker stopped in JS.
    const terminations = (ROUNDS + 1) * SPIN_KINDS.length + 1;
    expect(report.exitCodes).to.deep.equal(new Array(terminations).fill(1));
    // The main thread runs wasm after every termination; a worker computing meanwhile is
    // not disturbed.
    expect(report.mainFib).to.deep.equal(new Array(terminations).fill(FIB_RESULT));
    expect(report.survivorOk).to.deep.equal(SPIN_KINDS.map(() => true));
    // Other V8 interrupts get their turn too: a heap snapshot of a worker spinning in wasm.
    expect(report.snapshotBytes).to.be.greaterThan(100_000);
  });

  for (const kind of ['loop', 'calls'] as const) {
    it(`process.exit() on the main thread while a worker spins in wasm ("${kind}"): exits with its code`, () => {
      const t0 = Date.now();
      const r = spawnSync(process.execPath, [EXIT_WHILE_SPINNING, kind, '7'], { encoding: 'utf8', timeout: 60_000 });
      const ms = Date.now() - t0;
      expect(r.signal, 'killed by the timeout: the exit hung').to.equal(null);
      expect(r.stdout).to.equal('exiting\n');
      expect(r.status, r.stderr).to.equal(7);
      console.log(`      child process with a spinning worker, start to exit: ${ms} ms`);
    });
  }
});
