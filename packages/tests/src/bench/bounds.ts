// Cost of explicit bounds checks versus guard regions (not a test): memory-heavy kernels
// compiled with new Engine({ boundsChecks: 'explicit' }) and with 'guard', timed
// alternately, minimum CPU time of many runs. Run: pnpm bench:bounds (BENCH_RUNS=n).
//
// explicit: `lea r11, [addr + offset + size]; cmp r11, [vmctx + MemSize]; ja stub` before
// every access; guard: the access alone (the fault handler catches what is out of bounds).
import { Engine } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';
import { median, cpuMs } from './timing.js';

const SRC = `(module
  (memory 64)
  ;; Fill n i32s at 0 with a simple sequence.
  (func (export "init") (param $n i32) (local $i i32)
    (block (loop
      (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.mul (local.get $i) (i32.const 2654435761)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br 0))))
  ;; Sum of n i32s, reps times (sequential loads).
  (func (export "sum") (param $n i32) (param $reps i32) (result i32) (local $i i32) (local $acc i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get $reps)))
      (local.set $i (i32.const 0))
      (block (loop
        (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (i32.load (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br 0)))
      (local.set $reps (i32.sub (local.get $reps) (i32.const 1)))
      (br 0)))
    (local.get $acc))
  ;; Copy n i64s from 0 to 2 MiB, reps times (a load and a store per element).
  (func (export "copy") (param $n i32) (param $reps i32) (local $i i32) (local $a i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get $reps)))
      (local.set $i (i32.const 0))
      (block (loop
        (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $a (i32.shl (local.get $i) (i32.const 3)))
        (i64.store offset=2097152 (local.get $a) (i64.load (local.get $a)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br 0)))
      (local.set $reps (i32.sub (local.get $reps) (i32.const 1)))
      (br 0))))
  ;; Histogram of pseudo-random indices into 64 K i32 counters (random read-modify-write).
  (func (export "histogram") (param $n i32) (result i32) (local $x i32) (local $p i32)
    (local.set $x (i32.const 2463534242))
    (block (loop
      (br_if 1 (i32.eqz (local.get $n)))
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
      (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
      (local.set $p (i32.add (i32.const 1048576) (i32.shl (i32.and (local.get $x) (i32.const 65535)) (i32.const 2))))
      (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br 0)))
    (i32.load (i32.const 1048576)))
  ;; Sieve of Eratosthenes over n bytes at 3 MiB (byte stores and loads); returns the count.
  (func (export "sieve") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $count i32)
    (memory.fill (i32.const 3145728) (i32.const 0) (local.get $n))
    (local.set $i (i32.const 2))
    (block (loop
      (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.eqz (i32.load8_u offset=3145728 (local.get $i)))
        (then
          (local.set $count (i32.add (local.get $count) (i32.const 1)))
          (local.set $j (i32.mul (local.get $i) (local.get $i)))
          (block (loop
            (br_if 1 (i32.ge_u (local.get $j) (local.get $n)))
            (i32.store8 offset=3145728 (local.get $j) (i32.const 1))
            (local.set $j (i32.add (local.get $j) (local.get $i)))
            (br 0)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br 0)))
    (local.get $count))
  ;; n x n f64 matrix multiply: C (at 2 MiB) = A (at 0) x B (at 1 MiB).
  (func (export "matmul") (param $n i32) (result f64)
    (local $i i32) (local $j i32) (local $k i32) (local $acc f64) (local $row i32)
    (block (loop
      (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $row (i32.mul (local.get $i) (local.get $n)))
      (local.set $j (i32.const 0))
      (block (loop
        (br_if 1 (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $acc (f64.const 0))
        (local.set $k (i32.const 0))
        (block (loop
          (br_if 1 (i32.ge_u (local.get $k) (local.get $n)))
          (local.set $acc (f64.add (local.get $acc)
            (f64.mul
              (f64.load (i32.shl (i32.add (local.get $row) (local.get $k)) (i32.const 3)))
              (f64.load offset=1048576 (i32.shl (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j)) (i32.const 3))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br 0)))
        (f64.store offset=2097152 (i32.shl (i32.add (local.get $row) (local.get $j)) (i32.const 3)) (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br 0)))
    (f64.load offset=2097152 (i32.const 8)))
  ;; FNV-1a over n bytes, reps times (one byte load per step).
  (func (export "fnv") (param $n i32) (param $reps i32) (result i32) (local $i i32) (local $h i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get $reps)))
      (local.set $h (i32.const 2166136261))
      (local.set $i (i32.const 0))
      (block (loop
        (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $i))) (i32.const 16777619)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br 0)))
      (local.set $reps (i32.sub (local.get $reps) (i32.const 1)))
      (br 0)))
    (local.get $h)))`;

type Fn = (...a: number[]) => number;
type Exports = Record<string, Fn>;



async function main(): Promise<void> {
  const bytes = await wat(SRC);
  const build = (boundsChecks: 'explicit' | 'guard'): Exports => {
    const engine = new Engine({ boundsChecks });
    const ex = engine.instantiate(engine.compile(bytes)).exports as Exports;
    ex.init!(262_144);
    return ex;
  };
  const explicit = build('explicit');
  const guard = build('guard');
  const runs = Number(process.env.BENCH_RUNS ?? 15);
  const cases: [string, (e: Exports) => unknown][] = [
    ['sum 256 Ki i32 × 120', (e) => e.sum!(262_144, 120)],
    ['copy 128 Ki i64 × 120', (e) => e.copy!(131_072, 120)],
    ['histogram, 30 M random RMW', (e) => e.histogram!(30_000_000)],
    ['sieve of 1 M bytes × 24', (e) => Array.from({ length: 24 }, () => e.sieve!(1_000_000)).join()],
    ['matmul f64 200 × 200', (e) => e.matmul!(200)],
    ['FNV-1a over 1 MiB × 30', (e) => e.fnv!(1_048_576, 30)],
  ];
  console.log('| kernel | explicit (ms, min / median) | guard (ms, min / median) | explicit / guard |');
  console.log('| --- | --- | --- | --- |');
  let logSum = 0;
  for (const [label, run] of cases) {
    if (String(run(explicit)) !== String(run(guard))) throw new Error(`${label}: results differ between modes`);
    const a: number[] = [];
    const b: number[] = [];
    // Alternate so that frequency changes and other load hit both sides alike.
    for (let i = 0; i < runs; i++) {
      a.push(cpuMs(() => run(explicit)));
      b.push(cpuMs(() => run(guard)));
    }
    const ma = Math.min(...a);
    const mb = Math.min(...b);
    logSum += Math.log(ma / mb);
    const cell = (xs: number[], m: number) => `${m.toFixed(1)} / ${median(xs).toFixed(1)}`;
    console.log(`| ${label} | ${cell(a, ma)} | ${cell(b, mb)} | ${(ma / mb).toFixed(3)} |`);
  }
  const geo = Math.exp(logSum / cases.length);
  console.log(`\ngeometric mean explicit / guard: ${geo.toFixed(3)} (explicit checks cost ${((geo - 1) * 100).toFixed(1)} % over guard regions)`);
}

await main();
