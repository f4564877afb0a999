// The `spectest` host module the testsuite imports from.
//
// Adapters normally build it from their engine's host classes (Memory,
// Table, Global) plus JS print stubs. SPECTEST_WAT is the same module written
// in wasm: an engine without host-object constructors can instantiate it
// instead, and its re-exported prints then carry the reference
// interpreter's exact signatures.

import { printStub, SPECTEST_FUNCS } from './adapter.js';

export const SPECTEST_WAT = `(module
  (import "host" "print" (func $print))
  (import "host" "print_i32" (func $print_i32 (param i32)))
  (import "host" "print_i64" (func $print_i64 (param i64)))
  (import "host" "print_f32" (func $print_f32 (param f32)))
  (import "host" "print_f64" (func $print_f64 (param f64)))
  (import "host" "print_i32_f32" (func $print_i32_f32 (param i32 f32)))
  (import "host" "print_f64_f64" (func $print_f64_f64 (param f64 f64)))
  (export "print" (func $print))
  (export "print_i32" (func $print_i32))
  (export "print_i64" (func $print_i64))
  (export "print_f32" (func $print_f32))
  (export "print_f64" (func $print_f64))
  (export "print_i32_f32" (func $print_i32_f32))
  (export "print_f64_f64" (func $print_f64_f64))
  (global (export "global_i32") i32 (i32.const 666))
  (global (export "global_i64") i64 (i64.const 666))
  (global (export "global_f32") f32 (f32.const 666.6))
  (global (export "global_f64") f64 (f64.const 666.6))
  (table (export "table") 10 20 funcref)
  (memory (export "memory") 1 2))
`;

/** wabt's encoding of SPECTEST_WAT (checked by spectest.test.ts), so adapters need no async wabt. */
export const SPECTEST_WASM_HEX =
  '0061736d01000000011e0760000060017f0060017e0060017d0060017c0060027f7d0060027c7c00027c0704686f7374' +
  '057072696e74000004686f7374097072696e745f693332000104686f7374097072696e745f693634000204686f737409' +
  '7072696e745f663332000304686f7374097072696e745f663634000404686f73740d7072696e745f6933325f66333200' +
  '0504686f73740d7072696e745f6636345f663634000604050170010a140504010101020621047f00419a050b7e00429a' +
  '050b7d004366a626440b7c0044cdccccccccd484400b079e010d057072696e740000097072696e745f69333200010970' +
  '72696e745f6936340002097072696e745f6633320003097072696e745f66363400040d7072696e745f6933325f663332' +
  '00050d7072696e745f6636345f66363400060a676c6f62616c5f69333203000a676c6f62616c5f69363403010a676c6f' +
  '62616c5f66333203020a676c6f62616c5f6636340303057461626c650100066d656d6f72790200';

export function spectestWasm(): Uint8Array {
  return Uint8Array.from(SPECTEST_WASM_HEX.match(/../g)!.map((h) => parseInt(h, 16)));
}

/** The import object SPECTEST_WAT needs. */
export function spectestHostImports(): Record<string, Record<string, unknown>> {
  const host: Record<string, unknown> = {};
  for (const f of SPECTEST_FUNCS) host[f] = printStub;
  return { host };
}
