// The wasm programs of the stack tests, as wat text.

/**
 * dive(slack, what, arg) recurses while more than `slack` bytes of stack are left above the
 * limit (asked of the native stack_headroom import at every level), then at the bottom does
 * `what`: 0 = report the headroom, 1 = native use_stack(arg), 2 = JS work(arg). It returns
 * depth << 32 | (the bottom's value), so the whole way back up is checked too.
 * probe(n) recurses exactly n levels and returns the headroom at the bottom.
 */
export const DIVE = `(module
  (import "native" "use_stack" (func $use_stack (param i32) (result i32)))
  (import "native" "stack_headroom" (func $headroom (result i64)))
  (import "js" "work" (func $work (param i32) (result i32)))
  (func $dive (export "dive") (param $slack i64) (param $what i32) (param $arg i32) (result i64)
    (if (result i64) (i64.ge_s (call $headroom) (local.get $slack))
      (then
        (i64.add
          (call $dive (local.get $slack) (local.get $what) (local.get $arg))
          (i64.const 0x100000000)))
      (else
        (if (result i64) (i32.eq (local.get $what) (i32.const 1))
          (then (i64.extend_i32_u (call $use_stack (local.get $arg))))
          (else
            (if (result i64) (i32.eq (local.get $what) (i32.const 2))
              (then (i64.extend_i32_u (call $work (local.get $arg))))
              (else (call $headroom))))))))
  (func $probe (export "probe") (param $n i32) (result i64)
    (if (result i64) (local.get $n)
      (then (call $probe (i32.sub (local.get $n) (i32.const 1))))
      (else (call $headroom))))
  (func $runaway (export "runaway") (param i32) (result i32)
    (i32.add (call $runaway (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))`;

/** Plain recursion shapes: simple, mutual, many live values, the spec's runaway cases. */
export const SHAPES = `(module
  (func $down (export "down") (param $n i32) (result i32)
    (if (result i32) (local.get $n)
      (then (i32.add (call $down (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))
      (else (i32.const 0))))
  (func $forever (export "forever") (param i32) (result i32)
    (call $forever (i32.add (local.get 0) (i32.const 1))))
  (func $even (export "even") (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n)) (then (i32.const 1))
      (else (call $odd (i64.sub (local.get $n) (i64.const 1))))))
  (func $odd (export "odd") (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n)) (then (i32.const 0))
      (else (call $even (i64.sub (local.get $n) (i64.const 1))))))
  (func $mutual-runaway (export "mutual-runaway") (call $mutual-runaway2))
  (func $mutual-runaway2 (call $mutual-runaway))
  (func $fac-rec (export "fac-rec") (param i64) (result i64)
    (if (result i64) (i64.eq (local.get 0) (i64.const 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac-rec (i64.sub (local.get 0) (i64.const 1)))))))
  ;; Twelve values live across the recursive call (held in registers until the call spills
  ;; them), combined after it returns: wrong spill slots or a frame that does not cover them
  ;; would show up as a wrong sum or a crash.
  (func $live (export "live") (param $n i32) (result i64)
    (local $x i64)
    (if (result i64) (i32.eqz (local.get $n)) (then (i64.const 0))
      (else
        (local.set $x (i64.extend_i32_u (local.get $n)))
        (i64.add (i64.mul (local.get $x) (i64.const 1))
        (i64.add (i64.mul (local.get $x) (i64.const 2))
        (i64.add (i64.mul (local.get $x) (i64.const 3))
        (i64.add (i64.mul (local.get $x) (i64.const 4))
        (i64.add (i64.mul (local.get $x) (i64.const 5))
        (i64.add (i64.mul (local.get $x) (i64.const 6))
        (i64.add (i64.mul (local.get $x) (i64.const 7))
        (i64.add (i64.mul (local.get $x) (i64.const 8))
        (i64.add (i64.mul (local.get $x) (i64.const 9))
        (i64.add (i64.mul (local.get $x) (i64.const 10))
        (i64.add (i64.mul (local.get $x) (i64.const 11))
        (i64.add (i64.mul (local.get $x) (i64.const 12))
          (call $live (i32.sub (local.get $n) (i32.const 1)))))))))))))))))))`;

/** live(n) = 78 * (1 + 2 + ... + n). */
export function liveExpected(n: number): bigint {
  return 78n * ((BigInt(n) * BigInt(n + 1)) / 2n);
}

/**
 * big(n): a function with `locals` i64 locals (a frame of 8 * locals bytes, possibly larger
 * than the host reserve) that recurses n levels. It checks its locals start at zero, writes
 * the first and the last, and returns n + the sum of the levels below.
 */
export function bigFrame(locals: number): string {
  return `(module
  (func $big (export "big") (param $n i32) (result i64)
    (local $first i64) (local ${'i64 '.repeat(locals - 2)}) (local $last i64)
    (if (i64.ne (i64.or (local.get $first) (local.get $last)) (i64.const 0)) (then unreachable))
    (local.set $first (i64.extend_i32_u (local.get $n)))
    (local.set $last (i64.const 1))
    (if (result i64) (i32.eqz (local.get $n)) (then (local.get $last))
      (else
        (i64.add (i64.add (local.get $first) (local.get $last))
          (call $big (i32.sub (local.get $n) (i32.const 1))))))))`;
}

/** Recursion through call_indirect (a table of one function), and mutual through it. */
export const INDIRECT = `(module
  (type $t (func (param i32) (result i32)))
  (table funcref (elem $rec $ping $pong))
  (func $rec (export "rec") (param $n i32) (result i32)
    (if (result i32) (local.get $n)
      (then (i32.add (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0)) (i32.const 1)))
      (else (i32.const 0))))
  (func $ping (export "ping") (param $n i32) (result i32)
    (call_indirect (type $t) (i32.add (local.get $n) (i32.const 1)) (i32.const 2)))
  (func $pong (param $n i32) (result i32)
    (call_indirect (type $t) (i32.add (local.get $n) (i32.const 1)) (i32.const 1))))`;
