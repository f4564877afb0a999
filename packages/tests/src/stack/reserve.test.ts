// (a) The host reserve is real: wasm recursion to within a few hundred bytes of the limit,
// then a native import (C code, no JS) that touches almost all of hostStackReserve, page by
// page. It returns, and the wasm frames above it unwind normally.
import { expect } from 'chai';
import { Engine } from '@wasmjit/runtime';
import { DIVE } from './modules.js';
import { SLACK, deepNative } from './scenarios.js';
import { KiB, MiB, largestOk, native, nativeTestImports, watNamed, withPinnedWasmStack, type Exports } from './support.js';
import { expectNoSignals } from './signals.js';

describe('stack: native code below the wasm limit', () => {
  expectNoSignals();

  it('recursion to within a few hundred bytes of the limit, then a native import using ~all of the reserve', async () => {
    const r = await deepNative(new Engine());
    expect(r.headroom).to.be.within(0, Number(SLACK));
    expect(r.depth).to.be.greaterThan(1000);
    expect(r.bytes).to.equal(256 * KiB - 4 * KiB);
    expect(r.checksum).to.equal(r.expected);
    expect(r.depthWithNative).to.equal(r.depth);
  });

  it('the same with a larger reserve and a larger wasm budget', async () => {
    const r = await deepNative(new Engine({ maxWasmStack: 2 * MiB, hostStackReserve: 1 * MiB }));
    expect(r.headroom).to.be.within(0, Number(SLACK));
    expect(r.bytes).to.equal(1 * MiB - 4 * KiB);
    expect(r.checksum).to.equal(r.expected);
  });

  it('the prologue check is tight: at the deepest possible call, less than one frame is left', async () => {
    const engine = new Engine({ maxWasmStack: 256 * KiB });
    const imports = { native: nativeTestImports(), js: { work: (n: number) => n } };
    const ex = engine.instantiate(engine.compile(await watNamed(DIVE)), imports as never).exports as Exports;
    const deepest = largestOk((n) => {
      try {
        ex.probe!(n);
        return true;
      } catch {
        return false;
      }
    }, 100_000);
    const headroom = Number(ex.probe!(deepest) as bigint);
    // probe's frame is well under 128 bytes: one more level would not fit, zero levels too many
    // would mean the check is off by a frame.
    expect(headroom).to.be.within(0, 127);
    expect(deepest).to.be.greaterThan(1000);
  });

  it('an entry with no room at all traps stack_overflow at once', async () => {
    // A reserve bigger than the whole (pinned) wasm stack puts the limit above its top.
    const engine = new Engine({ hostStackReserve: 64 * MiB });
    const ex = engine.instantiate(engine.compile(await watNamed('(module (func (export "f") (result i32) i32.const 1))'))).exports as Exports;
    let err: unknown;
    withPinnedWasmStack(8 * MiB, () => {
      try {
        ex.f!();
      } catch (e) {
        err = e;
      }
    });
    expect((err as { trap?: string }).trap).to.equal('stack_overflow');
    expect(native.lastTrapBacktrace()).to.deep.equal([]);
    expect(native.lastTrapPc()).to.equal(0);
  });
});
