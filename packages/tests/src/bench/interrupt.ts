// Cost of interruption (not a test): the same programs compiled plain, with epoch checks
// (Engine { epochInterruption: true }), with host interrupts (Engine { hostInterrupts: true },
// the worker-thread default) and with fuel (Engine { consumeFuel: true }), timed alternately;
// CPU time, minimum of many runs, in several code layouts (see LAYOUTS). Reports the overhead
// of each in percent. Goals: epochs at most 3 %, fuel at most 15 %. Then the cost of one
// callWithTimeout call with 1 and with 50,000 live instances of the engine.
// Run: pnpm bench:interrupt   (BENCH_RUNS=N runs per layout, default 15)
//
// Epochs cost, at every function entry and loop header, one compare of the engine's counter
// cell with 0 and a never-taken branch. Host interrupts are the same check (plus a poll every
// 10 ms, which runs in this measurement). Fuel costs one `sub [vmctx + Fuel], n` per straight
// run of code plus a never-taken branch at function entries and loop headers.
import { Engine } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';
import { cpuMs } from './timing.js';

const SRC = `(module
  (memory 32)
  ;; Call-heavy: recursive fib.
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))

  ;; Loop-heavy: nested loops of integer mixing with a data-dependent branch.
  (func (export "mix") (param $outer i32) (param $inner i32) (result i32)
    (local $i i32) (local $j i32) (local $h i32)
    (local.set $h (i32.const 0x811c9dc5))
    (local.set $i (local.get $outer))
    (loop $o
      (local.set $j (local.get $inner))
      (loop $in
        (local.set $h (i32.mul (i32.xor (local.get $h) (local.get $j)) (i32.const 0x01000193)))
        (if (i32.and (local.get $h) (i32.const 16))
          (then (local.set $h (i32.rotl (local.get $h) (i32.const 5))))
          (else (local.set $h (i32.add (local.get $h) (local.get $i)))))
        (br_if $in (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))
      (br_if $o (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
    (local.get $h))

  ;; Memory: C = A × B for n × n i32 matrices at 0, 4n², 8n² (row-major), then a checksum.
  (func (export "matmul") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $k i32) (local $acc i32) (local $b i32) (local $c i32)
    (local.set $b (i32.mul (i32.mul (local.get $n) (local.get $n)) (i32.const 4)))
    (local.set $c (i32.shl (local.get $b) (i32.const 1)))
    ;; A[i] = i * 7, B[i] = i ^ 0x55
    (local.set $i (i32.const 0))
    (block $filled (loop $fill
      (br_if $filled (i32.ge_u (local.get $i) (i32.mul (local.get $n) (local.get $n))))
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.mul (local.get $i) (i32.const 7)))
      (i32.store (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))) (i32.xor (local.get $i) (i32.const 0x55)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $fill)))
    (local.set $i (i32.const 0))
    (loop $rows
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $acc (i32.const 0))
        (local.set $k (i32.const 0))
        (loop $dot
          (local.set $acc (i32.add (local.get $acc)
            (i32.mul
              (i32.load (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k)) (i32.const 2)))
              (i32.load (i32.add (local.get $b)
                (i32.shl (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j)) (i32.const 2)))))))
          (br_if $dot (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
        (i32.store (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))
          (local.get $acc))
        (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
      (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.set $acc (i32.const 0))
    (local.set $i (i32.const 0))
    (block $summed (loop $sum
      (br_if $summed (i32.ge_u (local.get $i) (i32.mul (local.get $n) (local.get $n))))
      (local.set $acc (i32.xor (i32.rotl (local.get $acc) (i32.const 1))
        (i32.load (i32.add (local.get $c) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $sum)))
    (local.get $acc))

  ;; Memory, tightest loop: sieve of Eratosthenes over n bytes (one store per inner
  ;; iteration), then a checksum pass over the flags. The worst case for per-iteration checks.
  (func (export "sieve") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32)
    (local.set $i (i32.const 0))
    (block $cleared (loop $clear
      (br_if $cleared (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store (local.get $i) (i32.const 0x01010101))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $clear)))
    (local.set $i (i32.const 2))
    (block $done (loop $outer
      (br_if $done (i32.gt_u (i32.mul (local.get $i) (local.get $i)) (local.get $n)))
      (if (i32.load8_u (local.get $i))
        (then
          (local.set $j (i32.mul (local.get $i) (local.get $i)))
          (block $marked (loop $mark
            (br_if $marked (i32.ge_u (local.get $j) (local.get $n)))
            (i32.store8 (local.get $j) (i32.const 0))
            (local.set $j (i32.add (local.get $j) (local.get $i)))
            (br $mark)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $outer)))
    (local.set $i (i32.const 2))
    (block $counted (loop $count
      (br_if $counted (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $count (i32.add (local.get $count) (i32.load8_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $count)))
    (local.get $count)))`;

type Fn = (...a: number[]) => number;
type Variant = 'plain' | 'epochs' | 'host' | 'fuel';
const VARIANTS: readonly Variant[] = ['plain', 'epochs', 'host', 'fuel'];


function signed(p: number): string {
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)} %`;
}

/**
 * Where code lands relative to 32/64-byte boundaries moves single-loop timings by several
 * percent either way, which would drown the checks' cost. So every variant is measured in
 * LAYOUTS code layouts: an unused function of a different size in front of the benchmark
 * functions shifts all of them. The overhead reported is the mean over the layouts of
 * (min time of the variant / min time of plain) - 1, with the range across layouts.
 */
const LAYOUTS = [0, 3, 7, 12];

function withPadding(src: string, ops: number): string {
  const body = '(local.set 0 (i32.add (local.get 0) (i32.const 1)))'.repeat(ops);
  return src.replace('(memory 32)', `(memory 32)\n  (func $pad (param i32) (result i32) ${body} (local.get 0))`);
}

async function main(): Promise<void> {
  const build = (bytes: Uint8Array, v: Variant) => {
    const engine = new Engine({ epochInterruption: v === 'epochs', hostInterrupts: v === 'host', consumeFuel: v === 'fuel' });
    const instance = engine.instantiate(engine.compile(bytes));
    // The checks run in full but never fire: no deadline (the default), unlimited fuel.
    if (v === 'fuel') instance.setFuel(Infinity);
    return instance.exports as Record<string, Fn>;
  };
  const layouts: Record<Variant, Record<string, Fn>>[] = [];
  for (const pad of LAYOUTS) {
    const bytes = await wat(withPadding(SRC, pad));
    layouts.push({ plain: build(bytes, 'plain'), epochs: build(bytes, 'epochs'), host: build(bytes, 'host'), fuel: build(bytes, 'fuel') });
  }
  const runs = Number(process.env.BENCH_RUNS ?? 15);
  const cases: [string, (e: Record<string, Fn>) => number][] = [
    ['fib(32), recursive', (e) => e.fib!(32)],
    ['mix: 2000 × 20000 nested loop', (e) => e.mix!(2000, 20_000)],
    ['matmul 200 × 200 i32', (e) => e.matmul!(200)],
    ['sieve of 2 MB × 8', (e) => { let s = 0; for (let k = 0; k < 8; k++) s += e.sieve!(2 * 1024 * 1024); return s; }],
  ];
  console.log(`${runs} runs × ${LAYOUTS.length} code layouts per variant; CPU time, ms: mean over layouts of the minimum`);
  console.log('| workload | plain | epochs | host | fuel | epochs overhead (range) | host overhead (range) | fuel overhead (range) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  const totals = { epochs: 0, host: 0, fuel: 0 };
  for (const [label, run] of cases) {
    const expected = run(layouts[0]!.plain);
    for (const l of layouts) {
      for (const v of VARIANTS) {
        if (run(l[v]) !== expected) throw new Error(`${label}: ${v} gives a different result`);
      }
    }
    const mins = layouts.map((l) => {
      const times: Record<Variant, number[]> = { plain: [], epochs: [], host: [], fuel: [] };
      // Alternate so that frequency changes and other load hit every variant alike.
      for (let i = 0; i < runs; i++) {
        for (const v of VARIANTS) times[v].push(cpuMs(() => run(l[v])));
      }
      return { plain: Math.min(...times.plain), epochs: Math.min(...times.epochs), host: Math.min(...times.host), fuel: Math.min(...times.fuel) };
    });
    const ms = (v: Variant) => (mins.reduce((s, m) => s + m[v], 0) / mins.length).toFixed(1);
    const over = (v: 'epochs' | 'host' | 'fuel') => {
      const ps = mins.map((m) => ((m[v] - m.plain) / m.plain) * 100);
      const mean = ps.reduce((s, p) => s + p, 0) / ps.length;
      totals[v] += mean;
      return `${signed(mean)} (${signed(Math.min(...ps))} … ${signed(Math.max(...ps))})`;
    };
    console.log(`| ${label} | ${ms('plain')} | ${ms('epochs')} | ${ms('host')} | ${ms('fuel')} | ${over('epochs')} | ${over('host')} | ${over('fuel')} |`);
  }
  const mean = (t: number) => signed(t / cases.length);
  console.log(`\nmean overhead: epochs ${mean(totals.epochs)} (goal: at most 3 %), host interrupts ${mean(totals.host)}, fuel ${mean(totals.fuel)} (goal: at most 15 %)`);
  await timeoutCallCost();
}

/**
 * callWithTimeout's own cost (arming the deadline and the timer, disarming) per call of a
 * trivial function, with 1 and with 50,000 live instances of the engine: the deadline is one
 * engine cell, so the instance count should not matter.
 */
async function timeoutCallCost(): Promise<void> {
  const bytes = await wat('(module (func (export "f") (result i32) (i32.const 1)))');
  console.log('\ncallWithTimeout(f, 1000) per call, f returning at once: ms, median of 5 batches');
  for (const count of [1, 50_000]) {
    const engine = new Engine({ epochInterruption: true });
    const module = engine.compile(bytes);
    const instances = Array.from({ length: count }, () => engine.instantiate(module));
    const f = instances[0]!.exports.f as () => number;
    const calls = 200;
    for (let i = 0; i < calls; i++) engine.callWithTimeout(f, 1000); // warm-up
    const batches: number[] = [];
    for (let b = 0; b < 5; b++) {
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) engine.callWithTimeout(f, 1000);
      batches.push((performance.now() - t0) / calls);
    }
    batches.sort((x, y) => x - y);
    console.log(`  ${count} live instances: ${batches[2]!.toFixed(4)} ms per call`);
  }
}

await main();
