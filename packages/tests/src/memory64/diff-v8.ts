// Differential check of memory64 against V8 (Node 20 has it behind
// --experimental-wasm-memory64): the same random sequence of loads, stores, grows, fills and
// copies at addresses and offsets chosen near the memory's end and near 2^32, 2^48, 2^63 and
// 2^64 - 1, run by both engines; every outcome (value or trap) and a hash of the memory after
// each step must agree.
//
//   node --experimental-wasm-memory64 dist/memory64/diff-v8.js [seed] [steps]
import { createHash } from 'node:crypto';
import { parseWat } from '@wasmjit/text';
import { Engine } from '@wasmjit/runtime';
import { rng } from '../util/rng.js';

const OFFSETS = [0n, 1n, 7n, 65535n, 2n ** 31n, 2n ** 32n, 2n ** 48n, 2n ** 63n, 2n ** 64n - 1n];
const LOADS = ['i64.load', 'i32.load', 'i32.load8_u', 'i64.load16_s', 'f64.load', 'v128.load'];

function moduleText(): string {
  const f: string[] = [];
  LOADS.forEach((op, i) => {
    OFFSETS.forEach((o, j) => {
      const load = `(${op} offset=${o} (local.get 0))`;
      const t = op.slice(0, 4);
      // Every load's value as an i64, so one signature serves them all.
      const value = t === 'i32.' ? `(i64.extend_i32_u ${load})` : t === 'i64.' ? load : t === 'f64.' ? `(i64.reinterpret_f64 ${load})` : `(i64x2.extract_lane 0 ${load})`;
      f.push(`(func (export "l${i}_${j}") (param i64) (result i64) ${value})`);
    });
  });
  OFFSETS.forEach((o, j) => {
    f.push(`(func (export "s${j}") (param i64 i64) (i64.store offset=${o} (local.get 0) (local.get 1)))`);
    f.push(`(func (export "b${j}") (param i64 i64) (i64.store8 offset=${o} (local.get 0) (local.get 1)))`);
  });
  f.push('(func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))');
  f.push('(func (export "size") (result i64) (memory.size))');
  f.push('(func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))');
  f.push('(func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2)))');
  return `(module (memory (export "mem") i64 1 4) ${f.join('\n')})`;
}

type Exports = Record<string, (...a: unknown[]) => unknown>;

function outcome(f: () => unknown): string {
  try {
    return `ok ${String(f())}`;
  } catch (e) {
    // Both engines' traps are RuntimeErrors; compare the kind (out of bounds), not the wording.
    const m = (e as Error).message;
    return `${(e as Error).constructor.name}${/out of bounds|out_of_bounds/.test(m) ? ' oob' : ` ${m}`}`;
  }
}

function run(exports: Exports, seed: number, steps: number): string[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const log: string[] = [];
  const mem = () => new Uint8Array((exports.mem as unknown as { buffer: ArrayBuffer }).buffer);
  for (let s = 0; s < steps; s++) {
    const size = BigInt(mem().length);
    const inside = BigInt(Math.floor(r() * Number(size)));
    const near = [inside, inside, inside, inside, 0n, size - 1n, size - 8n, size, size + 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 48n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n - 8n];
    const addr = BigInt.asUintN(64, pick(near) + BigInt(Math.floor(r() * 17) - 8));
    const a = BigInt.asIntN(64, addr);
    const k = r();
    let step: string;
    if (k < 0.5) {
      const i = Math.floor(r() * LOADS.length), j = Math.floor(r() * OFFSETS.length);
      step = `l${i}_${j}(${addr}) ${outcome(() => exports[`l${i}_${j}`]!(a))}`;
    } else if (k < 0.8) {
      const j = Math.floor(r() * OFFSETS.length);
      const v = BigInt.asIntN(64, BigInt(Math.floor(r() * 2 ** 53)) * 2047n);
      const name = `${r() < 0.5 ? 's' : 'b'}${j}`;
      step = `${name}(${addr}) ${outcome(() => exports[name]!(a, v))}`;
    } else if (k < 0.85) {
      step = `grow ${outcome(() => exports.grow!(BigInt(Math.floor(r() * 3))))}`;
    } else if (k < 0.93) {
      const len = BigInt.asIntN(64, pick([0n, 1n, 100n, size, 2n ** 64n - 1n]));
      step = `fill(${addr}, ${len}) ${outcome(() => exports.fill!(a, 0xab, len))}`;
    } else {
      const src = BigInt.asIntN(64, pick(near));
      const len = BigInt.asIntN(64, pick([0n, 3n, 1000n, 2n ** 63n]));
      step = `copy(${addr}, ${src}, ${len}) ${outcome(() => exports.copy!(a, src, len))}`;
    }
    log.push(`${step} | ${createHash('sha1').update(mem()).digest('hex').slice(0, 12)}`);
  }
  return log;
}

const seed = Number(process.argv[2] ?? 1);
const steps = Number(process.argv[3] ?? 2000);
const bytes = parseWat(moduleText());
const v8 = run(new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes))).exports as unknown as Exports, seed, steps);
let differences = 0;
for (const boundsChecks of ['guard', 'explicit'] as const) {
  const engine = new Engine({ boundsChecks });
  const ours = run(engine.instantiate(engine.compile(bytes), {}).exports as unknown as Exports, seed, steps);
  for (let i = 0; i < steps; i++) {
    if (ours[i] !== v8[i]) {
      if (differences++ < 10) console.log(`${boundsChecks} step ${i}:\n  v8      ${v8[i]}\n  wasmjit ${ours[i]}`);
    }
  }
}
const traps = v8.filter((l) => / oob /.test(l)).length;
console.log(`seed ${seed}: ${steps} steps x 2 modes, ${traps} out-of-bounds traps in V8's run, ${differences} differences`);
process.exitCode = differences === 0 ? 0 : 1;
