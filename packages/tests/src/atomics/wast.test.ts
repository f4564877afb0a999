// The atomics script (atomic-script.ts) on wasmjit in both bounds modes, and on V8, which
// checks that the script's hand-worked expectations are right.
import { expect } from 'chai';
import { runScript, WasmjitAdapter, type EngineAdapter, type Outcome } from '@wasmjit/runtime/wast';
import { V8Adapter } from '../spec/v8-adapter.js';
import { ATOMIC_SCRIPT } from './atomic-script.js';

async function run(adapter: EngineAdapter): Promise<Outcome[]> {
  return runScript(ATOMIC_SCRIPT, adapter, { standard: '3.0' });
}

function expectAllPassed(out: Outcome[]): void {
  const notPassed = out.filter((o) => o.status !== 'passed');
  expect(notPassed, JSON.stringify(notPassed, null, 1)).to.deep.equal([]);
  // Guards against a script that silently lost its commands.
  expect(out.length).to.be.greaterThan(120);
}

describe('atomics: spec-style script on an unshared memory', function () {
  this.timeout(30_000);

  it('passes on V8 (the script is right), but for the two under-aligned atomics V8 accepts', async () => {
    const out = await run(new V8Adapter());
    const failed = out.filter((o) => o.status !== 'passed');
    expect(failed.map((o) => o.text)).to.deep.equal(out.filter((o) => /atomic alignment must be natural/.test(o.text ?? '')).map((o) => o.text));
    expect(failed).to.have.length(2);
    for (const f of failed) expect(f.reason).to.match(/but the module compiled/);
  });

  for (const boundsChecks of ['explicit', 'guard'] as const) {
    it(`passes on wasmjit with ${boundsChecks} bounds checks`, async () => {
      expectAllPassed(await run(new WasmjitAdapter({ boundsChecks })));
    });
  }

  it('fails when an expectation is wrong (the runner checks atomics results and trap kinds)', async () => {
    const wrong = ATOMIC_SCRIPT.replace('(assert_return (invoke "i32.atomic.load8_u" (i32.const 5)) (i32.const 0x33))', '(assert_return (invoke "i32.atomic.load8_u" (i32.const 5)) (i32.const 0x34))')
      .replace('(assert_trap (invoke "i32.atomic.load" (i32.const 1)) "unaligned atomic")', '(assert_trap (invoke "i32.atomic.load" (i32.const 1)) "out of bounds memory access")');
    expect(wrong).to.not.equal(ATOMIC_SCRIPT);
    const out = await runScript(wrong, new WasmjitAdapter(), { standard: '3.0' });
    expect(out.filter((o) => o.status === 'failed')).to.have.length(2);
  });
});
