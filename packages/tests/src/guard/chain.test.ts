// The handler acts only on its own faults and passes everything else on: to Node's handler
// (which serves V8's wasm trap handler) or to the default action, so a real crash still
// kills the process with the signal. Each scenario runs in a child (chain-child.ts) that
// first proves the handler is installed and working.
import { expect } from 'chai';
import { runChild } from './support.js';

function expectDeath(scenario: string, signal: NodeJS.Signals): void {
  const r = runChild('chain-child.js', [scenario]);
  expect(r.stderr, 'the child got as far as installing the handler').to.match(/^ready$/m);
  expect(r.signal, `${scenario}: ${r.stderr}`).to.equal(signal);
}

describe('guard mode: the fault handler chains to the previous / default action', function () {
  this.timeout(120_000);

  it('a segfault in native code outside JIT code kills the child with SIGSEGV', () => {
    expectDeath('native-crash', 'SIGSEGV');
  });

  it('a fault of JIT code outside every memory reservation kills with SIGSEGV', () => {
    expectDeath('jit-fault-outside-memory', 'SIGSEGV');
  });

  it('a fault of non-JIT code inside a guarded reservation kills with SIGSEGV', () => {
    expectDeath('host-fault-in-reservation', 'SIGSEGV');
  });

  it('SIGSEGV and SIGBUS sent with kill() still kill with that signal', () => {
    expectDeath('kill-segv', 'SIGSEGV');
    expectDeath('kill-bus', 'SIGBUS');
  });

  it("V8's own wasm traps out of bounds through its trap handler, before and after ours is installed", () => {
    const r = runChild('chain-child.js', ['v8-wasm']);
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    // Otherwise V8 would use explicit checks and this would prove nothing about chaining.
    expect(out.v8TrapHandler).to.equal(true);
    for (const k of ['before', 'after', 'afterAgain']) {
      expect(out[k], k).to.equal('RuntimeError: memory access out of bounds');
    }
    expect(out.ours).to.equal('out_of_bounds_memory');
    // Ours counted only our own two faults, none of V8's.
    expect(out.count).to.equal(2);
  });

  it('explicit bounds checks never install a handler', () => {
    const r = runChild('chain-child.js', ['explicit-only']);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ trap: 'out_of_bounds_memory', installed: false, count: 0 });
  });
});
