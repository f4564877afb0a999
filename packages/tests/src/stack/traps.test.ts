// (c) Many stack-overflow traps in a row leave the process and the instance healthy.
import { expect } from 'chai';
import { Engine } from '@wasmjit/runtime';
import { overflowStorm } from './scenarios.js';
import { expectNoSignals } from './signals.js';

describe('stack: repeated overflow', () => {
  expectNoSignals();

  it('10,000 stack-overflow traps in a row, then normal calls', async function () {
    this.timeout(120_000);
    const r = await overflowStorm(new Engine(), 10_000);
    expect(r.traps).to.equal(10_000);
    expect(r.down).to.deep.equal({ kind: 'value', value: '1000' });
    // V8's text for call-stack exhaustion; the wasm frames head the stack.
    expect(r.firstMessage).to.equal('Maximum call stack size exceeded');
    expect(r.firstStack).to.match(/^RuntimeError: Maximum call stack size exceeded\n {4}at func\[1\] <forever> \(offset 0x[0-9a-f]+\)/);
  });
});
