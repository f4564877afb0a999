// Modules the code cache tests run before and after a round trip through bytes: between
// them, memory (data segment, grow, loads/stores), globals, a table with call_indirect of two
// signatures, traps with backtraces (and a name section), an imported JS function, a custom
// section, and the generated large module (many functions, direct and indirect calls).
import { wat } from '../util/wat.js';

export const MEMORY_PROGRAM = `(module
  (memory (export "mem") 1 4)
  (data (i32.const 16) "hello")
  (global $g (mut i32) (i32.const 40))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "bump") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 2))) (global.get $g))
  (func (export "oob") (result i32) (i32.load (i32.const 0x7ffffff0))))`;

export const TABLE_PROGRAM = `(module
  (type $a (func (param i32) (result i32)))
  (type $b (func (param i64) (result i64)))
  (table (export "tab") 3 funcref) (elem (i32.const 0) $fa $fb)
  (func $fa (type $a) (i32.mul (local.get 0) (i32.const 3)))
  (func $fb (type $b) (i64.add (local.get 0) (i64.const 1)))
  (func (export "callA") (param i32 i32) (result i32) (call_indirect (type $a) (local.get 1) (local.get 0)))
  (func (export "callB") (param i32 i64) (result i64) (call_indirect (type $b) (local.get 1) (local.get 0))))`;

export const TRAP_PROGRAM = `(module
  (import "env" "log" (func $log (param i32) (result i32)))
  (func $boom (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 0)))
  (func $mid (export "mid") (param i32) (result i32) (i32.add (call $boom (local.get 0)) (i32.const 1)))
  (func $viaHost (export "viaHost") (param i32) (result i32) (call $log (i32.add (local.get 0) (i32.const 1))))
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))
      (else (i32.const 0))))
  (func $nope (export "nope") unreachable))`;

export const LOOP_PROGRAM = `(module (func (export "spin") (loop $l (br $l))))`;

/** A custom section appended to a module: its name and payload survive a round trip. */
export function withCustomSection(bytes: Uint8Array, name: string, payload: Uint8Array): Uint8Array {
  const n = new TextEncoder().encode(name);
  const content = [n.length, ...n, ...payload];
  if (content.length >= 128) throw new Error('test helper: keep custom sections under 128 bytes');
  const out = new Uint8Array(bytes.length + 2 + content.length);
  out.set(bytes);
  out.set([0, content.length, ...content], bytes.length);
  return out;
}

export async function programs(): Promise<{ memory: Uint8Array; table: Uint8Array; trap: Uint8Array; loop: Uint8Array }> {
  return {
    memory: withCustomSection(await wat(MEMORY_PROGRAM), 'wasmjit-test', new Uint8Array([1, 2, 3])),
    table: await wat(TABLE_PROGRAM),
    trap: await wat(TRAP_PROGRAM, { names: true }),
    loop: await wat(LOOP_PROGRAM),
  };
}
