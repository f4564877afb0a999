// `pnpm demo`: compile a small program with wasmjit, run it next to V8, then overflow the
// stack on purpose, catch the trap, and keep using the same instance.
import { Engine, RuntimeError } from './index.js';
import { compiledParts } from './module.js';

/*
(module
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_s
    if (result i32) local.get 0
    else local.get 0 i32.const 1 i32.sub call $fib
         local.get 0 i32.const 2 i32.sub call $fib i32.add end)
  (func (export "sumTo") (param i64) (result i64) (local i64 i64)   ;; 0 + 1 + ... + n
    block loop
      local.get 2 local.get 0 i64.gt_u br_if 1
      local.get 1 local.get 2 i64.add local.set 1
      local.get 2 i64.const 1 i64.add local.set 2
      br 0 end end
    local.get 1)
  (func (export "gcd") (param i32 i32) (result i32)
    loop (result i32)
      local.get 1 i32.eqz
      if (result i32) local.get 0 return
      else local.get 1 local.get 0 local.get 1 i32.rem_u local.set 1 local.set 0 br 1 end
    end)
  (func $down (export "recurse") (param i32) (result i32)   ;; unbounded recursion
    local.get 0 i32.const 1 i32.add call $down))
*/
const DEMO_WASM =
  '0061736d0100000001110360017f017f60017e017e60027f7f017f03050400010200071f040366696200000573756d546f' +
  '0001036763640002077265637572736500030a69041c002000410248047f200005200041016b1000200041026b10006a0b' +
  '0b2301027e0240034020022000560d01200120027c2101200242017c21020c000b0b20010b1c00037f200145047f20000f' +
  '0520012000200170210121000c010b0b0b0900200041016a10030b';

function main(): void {
  const bytes = new Uint8Array(Buffer.from(DEMO_WASM, 'hex'));
  const engine = new Engine({ maxWasmStack: 512 * 1024 });
  const t0 = process.hrtime.bigint();
  const module = engine.compile(bytes);
  const compileUs = Number(process.hrtime.bigint() - t0) / 1000;
  const ours = engine.instantiate(module).exports as Record<string, (...a: unknown[]) => unknown>;
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, (...a: unknown[]) => unknown>;
  console.log(`wasmjit compiled ${bytes.length} bytes of wasm into ${compiledParts(module)!.compiled.code.length} bytes of x86-64 in ${compileUs.toFixed(0)} µs`);

  const cases: [string, unknown[]][] = [
    ['fib', [25]],
    ['sumTo', [1000000n]],
    ['gcd', [1071, 462]],
  ];
  console.log('call                  wasmjit            V8');
  let mismatches = 0;
  for (const [name, args] of cases) {
    const a = ours[name]!(...args);
    const b = v8[name]!(...args);
    if (a !== b) mismatches++;
    const label = `${name}(${args.join(', ')})`;
    console.log(`${label.padEnd(22)}${String(a).padEnd(19)}${String(b)}${a === b ? '' : '   MISMATCH'}`);
  }

  console.log('\nrecurse(0) recurses without bound:');
  try {
    ours.recurse!(0);
    console.log('  no trap?!');
    mismatches++;
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    console.log(`  caught ${e.name}: trap = "${e.trap}"`);
  }
  let traps = 0;
  for (let i = 0; i < 1000; i++) {
    try {
      ours.recurse!(0);
    } catch (e) {
      if (e instanceof RuntimeError && e.trap === 'stack_overflow') traps++;
    }
  }
  console.log(`  1000 more overflows: ${traps} stack_overflow traps caught`);
  const after = ours.fib!(20);
  console.log(`  the same instance still works: fib(20) = ${after}`);
  if (after !== 6765 || traps !== 1000) mismatches++;
  if (mismatches > 0) {
    console.error(`demo: ${mismatches} mismatch(es)`);
    process.exitCode = 1;
  }
}

main();
