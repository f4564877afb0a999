// The walking skeleton's promises: wasm → x86-64 → call, traps by explicit stack checks.
import { expect } from 'chai';
import { Engine, CompileError, RuntimeError, instantiate, validate } from '@wasmjit/runtime';
import { wat, type Exports } from '../util/wat.js';

const FIB = `(module
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_s
    if (result i32) local.get 0
    else local.get 0 i32.const 1 i32.sub call $fib
         local.get 0 i32.const 2 i32.sub call $fib i32.add end)
  (func $down (export "down") (param i32) (result i32)
    local.get 0 i32.eqz if (result i32) i32.const 0
    else local.get 0 i32.const 1 i32.sub call $down i32.const 1 i32.add end)
  (func $forever (export "forever") (param i32) (result i32)
    local.get 0 i32.const 1 i32.add call $forever))`;

describe('walking skeleton', () => {
  let ex: Exports;
  before(async () => {
    const engine = new Engine();
    ex = engine.instantiate(engine.compile(await wat(FIB))).exports as Exports;
  });

  it('fib(25) = 75025', () => {
    expect(ex.fib!(25)).to.equal(75025);
  });

  it('a recursion 10,000,000 deep traps stack_overflow, then the instance still answers', () => {
    let err: unknown;
    try {
      ex.down!(10_000_000);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(RuntimeError);
    expect((err as RuntimeError).trap).to.equal('stack_overflow');
    expect(ex.down!(1000)).to.equal(1000);
    expect(ex.fib!(20)).to.equal(6765);
  });

  it('1,000 overflow traps in a row leave the process healthy', () => {
    let traps = 0;
    for (let i = 0; i < 1000; i++) {
      try {
        ex.forever!(0);
      } catch (e) {
        if (e instanceof RuntimeError && e.trap === 'stack_overflow') traps++;
      }
    }
    expect(traps).to.equal(1000);
    expect(ex.fib!(25)).to.equal(75025);
  });

  it('maxWasmStack bounds the depth: a 4x larger limit allows a deeper recursion', async () => {
    const bytes = await wat(FIB);
    const depthAt = (maxWasmStack: number) => {
      const engine = new Engine({ maxWasmStack });
      const e = engine.instantiate(engine.compile(bytes)).exports as Exports;
      // Largest depth that succeeds, by binary search.
      let lo = 0;
      let hi = 10_000_000;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        try {
          e.down!(mid);
          lo = mid;
        } catch {
          hi = mid - 1;
        }
      }
      return lo;
    };
    const small = depthAt(64 * 1024);
    const large = depthAt(256 * 1024);
    expect(small).to.be.greaterThan(100);
    // Frames are the same size, so depth scales with the limit (within a frame or two).
    expect(large / small).to.be.within(3.8, 4.2);
  });

  it('an unsupported opcode is a CompileError naming opcode, function and offset', async () => {
    // v128.const is SIMD: not supported (also not by the validator).
    const bytes = await wat(`(module (func (export "f") (result i32) i32.const 1))`);
    // Patch the body `41 01 0b` (i32.const 1; end) into `00 00 0b`? Keep it valid instead:
    // use an opcode byte that does not exist (0xff) to check the decoder's message.
    const bad = bytes.slice();
    const at = bad.lastIndexOf(0x41);
    bad[at] = 0xff;
    let err: unknown;
    try {
      new Engine().compile(bad);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(CompileError);
    expect((err as Error).message).to.match(/0x[0-9a-f]+/);
    expect((err as CompileError).offset).to.equal(at);
    expect(validate(bad)).to.equal(false);
    expect(validate(bytes)).to.equal(true);
  });

  it('the async instantiate mirrors WebAssembly.instantiate', async () => {
    const { module, instance } = await instantiate(await wat(FIB));
    expect((instance.exports as Exports).fib!(10)).to.equal(55);
    const again = await instantiate(module);
    expect((again.exports as Exports).fib!(11)).to.equal(89);
  });
});
