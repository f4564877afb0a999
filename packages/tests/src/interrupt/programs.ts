// Programs for the interruption tests (epochs, fuel, workers, the process-health storm):
// an infinite loop, an infinite loop of calls (bounded recursion, so never a stack
// overflow), and a long compute loop over linear memory that does not use memory.fill.
import { Engine, type Instance } from '@wasmjit/runtime';
import { native } from '../../../runtime/dist/native.js';

export { native };

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
let wabt: Promise<Wabt> | undefined;

/** wat → bytes with the name section, so backtraces name the functions. */
export async function watNamed(text: string): Promise<Uint8Array> {
  wabt ??= import('wabt').then((m) => m.default());
  const mod = (await wabt).parseWat('interrupt.wat', text, { multi_value: true, bulk_memory: true });
  try {
    return new Uint8Array(mod.toBinary({ write_debug_names: true }).buffer);
  } finally {
    mod.destroy();
  }
}

export const RUNAWAY = `(module
  (memory (export "memory") 1)
  ;; Progress counter, so a test can see how far a run got.
  (global $steps (export "steps") (mut i64) (i64.const 0))
  (func $step (global.set $steps (i64.add (global.get $steps) (i64.const 1))))

  ;; 1. An infinite loop.
  (func $spin (export "spin")
    (loop $forever (call $step) (br $forever)))

  ;; 2. Infinite recursion that is not a stack overflow: a loop of calls, each of which
  ;;    recurses 50 deep and comes back.
  (func $down (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $down (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
  (func $recurse (export "recurse")
    (loop $forever
      (drop (call $down (i32.const 50)))
      (call $step)
      (br $forever)))

  ;; 3. A long compute loop over memory (2^62 rounds: never ends in practice), with no
  ;;    memory.fill or any other builtin call in it.
  (func $compute (export "compute") (result i32) (local $i i64) (local $h i32) (local $a i32)
    (loop $rounds
      (local.set $a (i32.and (i32.wrap_i64 (local.get $i)) (i32.const 0xfffc)))
      (local.set $h (i32.add (i32.mul (i32.xor (local.get $h) (i32.load (local.get $a)))
                                      (i32.const 0x01000193))
                             (i32.wrap_i64 (local.get $i))))
      (i32.store (local.get $a) (local.get $h))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (if (i64.eqz (i64.and (local.get $i) (i64.const 0xffff))) (then (call $step)))
      (br_if $rounds (i64.lt_u (local.get $i) (i64.const 0x4000000000000000))))
    (local.get $h))

  ;; Normal work, to show the instance still answers.
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  ;; A bounded loop: n rounds of $step.
  (func (export "steps_n") (param $n i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (call $step)
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))))`;

export const RUNAWAY_EXPORTS = ['spin', 'recurse', 'compute'] as const;
export type Runaway = (typeof RUNAWAY_EXPORTS)[number];

export interface RunawayExports {
  spin(): void;
  recurse(): void;
  compute(): number;
  fib(n: number): number;
  steps_n(n: number): void;
  steps: { value: bigint };
}

let bytes: Promise<Uint8Array> | undefined;
export function runawayBytes(): Promise<Uint8Array> {
  return (bytes ??= watNamed(RUNAWAY));
}

export async function runaway(engine: Engine): Promise<{ instance: Instance; e: RunawayExports }> {
  const instance = engine.instantiate(engine.compile(await runawayBytes()));
  return { instance, e: instance.exports as unknown as RunawayExports };
}

/** The error `f` throws (fails if it returns). */
export function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw, but the call returned');
}

/** Threads of this process (Linux /proc), to check the timer adds one and only one. */
export async function threadCount(): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const m = /^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : -1;
}
