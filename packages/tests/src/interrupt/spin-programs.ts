// Programs that never return, for the host-interrupt tests (worker.terminate(), process.exit()
// while a worker runs wasm): no JS import is ever called on the spinning path, so only the
// host-interrupt poll can let V8 in.
import { watNamed } from './programs.js';

export const SPIN = `(module
  (import "js" "reenter" (func $reenter))
  ;; A loop without calls: only its loop header is checked.
  (func (export "loop") (loop $l (br $l)))

  ;; A loop that calls functions, none of them recursive: a leaf without loops (so no check
  ;; of its own) and one that calls it (checked at its entry).
  (global $g (mut i32) (i32.const 0))
  (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $mid (param i32) (result i32) (call $leaf (call $leaf (local.get 0))))
  (func (export "calls") (local $x i32)
    (loop $l
      (local.set $x (call $mid (local.get $x)))
      (global.set $g (local.get $x))
      (br $l)))

  ;; wasm -> JS -> wasm: the import calls back into "loop" (or anything the embedder wants).
  (func (export "nested") (call $reenter))

  ;; Finite work, to show an engine still computes: fib(n).
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2))))))))`;

export type SpinKind = 'loop' | 'calls' | 'nested';
export const SPIN_KINDS: readonly SpinKind[] = ['loop', 'calls', 'nested'];

/** Finite work for the engines that must keep working: fib(FIB_N) = FIB_RESULT. */
export const FIB_N = 25;
export const FIB_RESULT = 75025;

export interface SpinExports {
  loop(): void;
  calls(): void;
  nested(): void;
  fib(n: number): number;
}

let bytes: Promise<Uint8Array> | undefined;
export function spinBytes(): Promise<Uint8Array> {
  return (bytes ??= watNamed(SPIN));
}
