// The signal hook (native signalHandlerInstalled()/signalCount(), see wj_signals in
// native/src/wasmjit.h): stack overflow must never involve a signal.
import { expect } from 'chai';
import { native } from './support.js';

/**
 * Registers hooks on the current describe(): no signal may be counted while its tests run.
 * (The guard-region handler of the out-of-bounds task may be installed in this process by
 * earlier tests; it must still count nothing during the stack tests. child.test.ts checks a
 * process where no handler is installed at all.)
 */
export function expectNoSignals(): void {
  let countBefore = 0;
  before(() => {
    countBefore = native.signalCount();
  });
  after(() => {
    expect(native.signalCount(), 'signals counted during the stack tests').to.equal(countBefore);
  });
}
