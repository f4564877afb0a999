// Long-running variants of the interruption tests (not part of `pnpm test`; run with mocha):
//   npx mocha --timeout 0 'dist/stress/interrupt.stress.js'
// - many workers spinning in wasm terminated one after another, each kind, with the process
//   checked after every one (terminate-scenarios.ts, in a child process);
// - callWithTimeout with 50,000 live instances: arming visits none of them, a flood of calls
//   keeps working, and instances created inside each call have its deadline.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Engine, RuntimeError, type Instance } from '@wasmjit/runtime';
import { readDeadline as readMemberDeadline } from '../../../runtime/dist/interruption.js';
import { memberOf } from '../../../runtime/dist/instance.js';
import { NO_DEADLINE } from '../../../runtime/dist/epoch-counter.js';
import type { TerminateReport } from '../interrupt/terminate-scenarios.js';
import { FIB_RESULT, SPIN_KINDS } from '../interrupt/spin-programs.js';
import { watNamed } from '../interrupt/programs.js';
import { engineEpoch } from '../../../runtime/dist/engine.js';

/** The deadline in an instance's vmctx. */
const readDeadline = (i: Instance): bigint => readMemberDeadline(memberOf(i));

const SCENARIOS = fileURLToPath(new URL('../interrupt/terminate-scenarios.js', import.meta.url));

describe('stress: interruption', function () {
  this.timeout(0);

  it('100 spinning workers of each kind terminated in a row', () => {
    const rounds = 100;
    const r = spawnSync(process.execPath, [SCENARIOS, String(rounds)], { encoding: 'utf8', timeout: 1_800_000 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    expect(line, `no report (status ${r.status}, signal ${r.signal}); stderr: ${r.stderr}`).to.match(/^\{/);
    const report = JSON.parse(line) as TerminateReport;
    expect(report.stuck).to.deep.equal([]);
    expect(r.status, r.stderr).to.equal(0);
    for (const kind of SPIN_KINDS) {
      const ms = [...report.latencies[kind]!].sort((a, b) => a - b);
      expect(ms).to.have.length(rounds);
      expect(ms[ms.length - 1]!, kind).to.be.below(1000);
      console.log(`      ${kind}: median ${ms[rounds >> 1]!.toFixed(1)} ms, p90 ${ms[Math.floor(rounds * 0.9)]!.toFixed(1)} ms, max ${ms[rounds - 1]!.toFixed(1)} ms`);
    }
    expect(report.mainFib.every((x) => x === FIB_RESULT)).to.equal(true);
    expect(report.survivorOk.every(Boolean)).to.equal(true);
  });

  it('50,000 live instances: 10,000 timeouts, each creating an instance whose start function loops', async () => {
    const engine = new Engine({ epochInterruption: true });
    const quick = engine.compile(await watNamed('(module (func (export "f") (result i32) (i32.const 1)))'));
    const looping = engine.compile(await watNamed('(module (func $s (loop $l (br $l))) (start $s))'));
    const instances = Array.from({ length: 50_000 }, () => engine.instantiate(quick));
    const f = instances[0]!.exports.f as () => number;
    const scans = engineEpoch(engine)!.deadlineScans;
    for (let i = 0; i < 10_000; i++) {
      if (i % 10 === 0) {
        const err = (() => {
          try {
            engine.callWithTimeout(() => engine.instantiate(looping), 0);
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(err).to.be.instanceOf(RuntimeError);
        expect((err as RuntimeError).trap).to.equal('interrupt');
      } else {
        expect(engine.callWithTimeout(f, 1000)).to.equal(1);
      }
    }
    expect(engineEpoch(engine)!.deadlineScans - scans).to.equal(0);
    expect(instances.every((i) => readDeadline(i) === NO_DEADLINE)).to.equal(true);
  });
});
