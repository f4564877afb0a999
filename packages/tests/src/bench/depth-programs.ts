// Recursive programs whose maximum depth is compared with V8's (bench/depth.ts and
// stack/default-depth.test.ts). Each exports run(n): it recurses n levels deep (of its
// recursive function) and returns a value that checks the whole way back up, so a wrong
// frame would show as a wrong result rather than only as a different depth.

export interface DepthProgram {
  name: string;
  /** What the recursion looks like (for the report). */
  what: string;
  wat: string;
  /** run(n)'s correct result. */
  expected(n: number): number;
}

/**
 * The naive fib body, fib(n-1) + fib(n-2), with the second call made on an argument below 2
 * so that it returns at once: the same frame as naive fib (one value live across the second
 * call), in linear time, so that the depth can be pushed to the limit.
 */
const FIB = `(module
  (func $fib (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add
        (call $fib (i32.sub (local.get $n) (i32.const 1)))
        (call $fib (i32.and (i32.sub (local.get $n) (i32.const 2)) (i32.const 1)))))))
  (func (export "run") (param $n i32) (result i32) (call $fib (local.get $n))))`;

/**
 * A recursive-descent parser of "((((1+2)+2)+2)...)" from linear memory: expr and term call
 * each other once per nesting level (one level = both frames), with a few locals each and
 * the position in a global.
 */
const DESCENT = `(module
  (memory 1)
  (global $pos (mut i32) (i32.const 0))
  (func $expr (result i32) (local $acc i32) (local $c i32) (local $t i32) (local $terms i32)
    (local.set $acc (call $term))
    (block $done (loop $more
      (local.set $c (i32.load8_u (global.get $pos)))
      (br_if $done (i32.ne (local.get $c) (i32.const 43)))
      (global.set $pos (i32.add (global.get $pos) (i32.const 1)))
      (local.set $t (call $term))
      (local.set $acc (i32.add (local.get $acc) (local.get $t)))
      (local.set $terms (i32.add (local.get $terms) (i32.const 1)))
      (br $more)))
    (i32.add (local.get $acc) (local.get $terms)))
  (func $term (result i32) (local $c i32) (local $v i32)
    (local.set $c (i32.load8_u (global.get $pos)))
    (global.set $pos (i32.add (global.get $pos) (i32.const 1)))
    (if (result i32) (i32.eq (local.get $c) (i32.const 40))
      (then
        (local.set $v (call $expr))
        (if (i32.ne (i32.load8_u (global.get $pos)) (i32.const 41)) (then unreachable))
        (global.set $pos (i32.add (global.get $pos) (i32.const 1)))
        (local.get $v))
      (else (i32.sub (local.get $c) (i32.const 48)))))
  ;; The input for depth n: n times "(", "1", then n times "+2)"; 4n + 2 bytes.
  (func (export "run") (param $n i32) (result i32) (local $i i32) (local $p i32) (local $pages i32)
    (local.set $pages (i32.sub (i32.add (i32.shr_u (i32.add (i32.mul (local.get $n) (i32.const 4)) (i32.const 16)) (i32.const 16)) (i32.const 1)) (memory.size)))
    (if (i32.gt_s (local.get $pages) (i32.const 0))
      (then (if (i32.lt_s (memory.grow (local.get $pages)) (i32.const 0)) (then unreachable))))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store8 (local.get $p) (i32.const 40))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.store8 (local.get $p) (i32.const 49))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (local.set $i (i32.const 0))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store (local.get $p) (i32.const 0x29322b))
      (local.set $p (i32.add (local.get $p) (i32.const 3)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.store8 (local.get $p) (i32.const 0))
    (global.set $pos (i32.const 0))
    (call $expr)))`;

/** Ackermann: run(n) = ack(1, n), n + 1 nested levels. */
const ACKERMANN = `(module
  (func $ack (param $m i32) (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $m))
      (then (i32.add (local.get $n) (i32.const 1)))
      (else (if (result i32) (i32.eqz (local.get $n))
        (then (call $ack (i32.sub (local.get $m) (i32.const 1)) (i32.const 1)))
        (else (call $ack (i32.sub (local.get $m) (i32.const 1))
                         (call $ack (local.get $m) (i32.sub (local.get $n) (i32.const 1)))))))))
  (func (export "run") (param $n i32) (result i32) (call $ack (i32.const 1) (local.get $n))))`;

/**
 * A recursive walk of a linked list in linear memory (node: next i32, value i64, weight f64),
 * with i64 and f64 locals live across the recursive call. run(n) builds n nodes and returns
 * a checksum of the walk as an i32.
 */
const LINKED = `(module
  (memory 1)
  (func $walk (param $node i32) (result f64) (local $v i64) (local $w f64) (local $h i64) (local $acc f64)
    (if (i32.eqz (local.get $node)) (then (return (f64.const 0))))
    (local.set $v (i64.load offset=8 (local.get $node)))
    (local.set $w (f64.load offset=16 (local.get $node)))
    (local.set $h (i64.mul (local.get $v) (i64.const 0x9e3779b97f4a7c15)))
    (local.set $acc (call $walk (i32.load (local.get $node))))
    (f64.add (f64.add (local.get $acc) (local.get $w))
      (f64.convert_i64_u (i64.shr_u (i64.xor (local.get $h) (local.get $v)) (i64.const 60)))))
  (func (export "run") (param $n i32) (result i32) (local $i i32) (local $p i32) (local $pages i32)
    (local.set $pages (i32.sub (i32.add (i32.shr_u (i32.add (i32.mul (local.get $n) (i32.const 24)) (i32.const 64)) (i32.const 16)) (i32.const 1)) (memory.size)))
    (if (i32.gt_s (local.get $pages) (i32.const 0))
      (then (if (i32.lt_s (memory.grow (local.get $pages)) (i32.const 0)) (then unreachable))))
    ;; Node i at 32 + 24 i, linked to node i + 1; the last one's next is 0.
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $p (i32.add (i32.const 32) (i32.mul (local.get $i) (i32.const 24))))
      (i32.store (local.get $p)
        (select (i32.const 0) (i32.add (local.get $p) (i32.const 24)) (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $n))))
      (i64.store offset=8 (local.get $p) (i64.extend_i32_u (local.get $i)))
      (f64.store offset=16 (local.get $p) (f64.const 0.5))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.trunc_f64_u (call $walk (select (i32.const 0) (i32.const 32) (i32.eqz (local.get $n))))))
  )`;

/**
 * What emscripten emits for a recursive C function that takes the address of a local: a
 * frame in linear memory below the __stack_pointer global, saved and restored around the
 * body, plus the machine frame. The shadow stack starts at the top of 256 pages (16 MiB).
 */
const SHADOW = `(module
  (memory 256)
  (global $__stack_pointer (mut i32) (i32.const 16777216))
  (func $visit (param $n i32) (param $parent i32) (result i32) (local $sp i32) (local $r i32)
    (local.set $sp (i32.sub (global.get $__stack_pointer) (i32.const 32)))
    (global.set $__stack_pointer (local.get $sp))
    (i32.store offset=12 (local.get $sp) (local.get $n))
    (i32.store offset=8 (local.get $sp) (local.get $parent))
    (local.set $r
      (if (result i32) (local.get $n)
        (then (call $visit (i32.sub (local.get $n) (i32.const 1)) (i32.add (local.get $sp) (i32.const 12))))
        (else (i32.const 0))))
    (local.set $r (i32.add (local.get $r) (i32.load offset=12 (local.get $sp))))
    (if (local.get $parent) (then (local.set $r (i32.add (local.get $r)
      (i32.and (i32.load (local.get $parent)) (i32.const 0))))))
    (global.set $__stack_pointer (i32.add (local.get $sp) (i32.const 32)))
    (local.get $r))
  ;; A run cut short by a stack overflow never restored the pointer; start from the top.
  (func (export "run") (param $n i32) (result i32)
    (global.set $__stack_pointer (i32.const 16777216))
    (call $visit (local.get $n) (i32.const 0))))`;

export const DEPTH_PROGRAMS: readonly DepthProgram[] = [
  { name: 'fib', what: 'naive fib frame (i32 param, one value live across a call)', wat: FIB, expected: (n) => (n < 2 ? n : 1 + Math.floor((n - 1) / 2)) },
  { name: 'descent', what: 'recursive descent, two functions a level, 4 + 2 locals', wat: DESCENT, expected: (n) => 1 + 3 * n },
  { name: 'ackermann', what: 'ack(1, n): two params, nested calls', wat: ACKERMANN, expected: (n) => n + 2 },
  { name: 'linked', what: 'linked-list walk, i64/f64 locals live across the call', wat: LINKED, expected: (n) => linkedExpected(n) },
  { name: 'shadow', what: 'emscripten-style: a shadow-stack frame below a __stack_pointer global', wat: SHADOW, expected: (n) => ((n * (n + 1)) / 2) | 0 },
];

function linkedExpected(n: number): number {
  let acc = 0;
  const mask = (1n << 64n) - 1n;
  for (let i = n - 1; i >= 0; i--) {
    const v = BigInt(i);
    const h = (v * 0x9e3779b97f4a7c15n) & mask;
    acc = acc + 0.5 + Number((h ^ v) >> 60n);
  }
  return Math.trunc(acc);
}
