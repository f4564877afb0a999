// The signal hook (native signalHandlerInstalled()/signalCount(), see wj_signals in
// native/src/wasmjit.h): stack overflow must never involve a signal.
import { expect } from 'chai';
import { native } from './support.js';

/**
 * Registers hooks on the current describe(): no signal may be counted while its tests run.
 * (Today no handler exists at all; once the out-of-bounds task installs one, the count must
 * still not move during the stack tests. child.test.ts checks a process with no handler.)
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
