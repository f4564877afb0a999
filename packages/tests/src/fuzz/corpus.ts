// Seed modules for the malformed-input fuzzer: every module the spec testsuite defines as
// valid (text ones through @wasmjit/text, `(module binary ...)` as is; the ones our decoder rejects
// are dropped), plus a few built-in modules so the fuzzer still has seeds without the
// testsuite. The list is deterministic for a given testsuite, so (seed, index) reproduces.
import { readFileSync } from 'node:fs';
import { decodeModule, validateModule } from '@wasmjit/codegen';
import { findSpecDir, listSpecFiles } from '../spec/suite.js';
import { encodeWastModule, parseWast, parseWat, type WastModule } from '@wasmjit/text';

/** Small modules covering every section kind, used with or without the testsuite. */
export const BUILTIN_WAT: readonly string[] = [
  `(module
    (type $t (func (param i32) (result i32)))
    (import "env" "f" (func $imp (param i32) (result i32)))
    (import "env" "g" (global $gi i32))
    (import "env" "m" (memory 1 2))
    (table $tab 4 8 funcref)
    (global $g (mut i32) (i32.const 7))
    (global $h (mut f64) (f64.const 1.5))
    (export "run" (func $run))
    (export "g" (global $g))
    (export "tab" (table $tab))
    (elem (i32.const 0) $run $imp)
    (data (i32.const 8) "hello")
    (data $p "passive")
    (start $init)
    (func $init (global.set $g (i32.const 3)))
    (func $run (param $x i32) (result i32) (local $i i32) (local $f f32)
      (block $out
        (loop $l
          (br_if $out (i32.ge_u (local.get $i) (i32.const 10)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (i32.store (i32.const 16) (i32.mul (local.get $i) (local.get $x)))
          (br $l)))
      (memory.init $p (i32.const 32) (i32.const 0) (i32.const 7))
      (local.set $f (f32.convert_i32_s (local.get $x)))
      (if (result i32) (i32.eqz (local.get $x))
        (then (call_indirect (type $t) (i32.const 7) (i32.const 1)))
        (else (i32.add (call $imp (local.get $i)) (i32.trunc_sat_f32_s (local.get $f)))))))`,
  `(module
    (memory 1)
    (func (export "sum") (param i64 i64) (result i64 f64)
      (i64.add (local.get 0) (local.get 1))
      (f64.sqrt (f64.convert_i64_u (local.get 1))))
    (func (export "copy") (param i32 i32 i32)
      (memory.copy (local.get 0) (local.get 1) (local.get 2))
      (memory.fill (local.get 1) (i32.const 0xaa) (local.get 2)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "br") (param i32) (result i32)
      (block $a (block $b (block $c (br_table $a $b $c (local.get 0))) (return (i32.const 1))) (return (i32.const 2)))
      (i32.const 3)))`,
  `(module
    (table $t 2 externref)
    (table $f 2 funcref)
    (elem declare func $id)
    (func $id (param externref) (result externref) (local.get 0))
    (func (export "refs") (param externref) (result i32)
      (table.set $t (i32.const 0) (local.get 0))
      (table.set $f (i32.const 1) (ref.func $id))
      (drop (table.grow $t (ref.null extern) (i32.const 3)))
      (table.fill $t (i32.const 1) (ref.null extern) (i32.const 2))
      (i32.add (table.size $t) (ref.is_null (table.get $t (i32.const 0))))))`,
];


async function builtinModules(): Promise<Uint8Array[]> {
  return BUILTIN_WAT.map((text) => parseWat(text));
}

function decodes(bytes: Uint8Array): boolean {
  try {
    validateModule(decodeModule(bytes.slice()));
    return true;
  } catch {
    return false;
  }
}

export interface CorpusOptions {
  /** Use only the first N testsuite files (sorted by name); all when undefined. */
  maxFiles?: number;
  /** Keep at most this many modules per file (the first ones). */
  perFile?: number;
}

/** Valid seed modules: the built-ins first, then the testsuite's, deduplicated. */
export async function loadCorpus(opts: CorpusOptions = {}): Promise<{ modules: Uint8Array[]; specFiles: number }> {
  const modules = await builtinModules();
  const seen = new Set(modules.map((m) => Buffer.from(m).toString('base64')));
  const spec = findSpecDir();
  if ('absent' in spec) return { modules, specFiles: 0 };
  const files = listSpecFiles(spec.dir).run.slice(0, opts.maxFiles);
  for (const f of files) {
    let defs: WastModule[];
    try {
      defs = parseWast(readFileSync(f.path, 'utf8')).flatMap((c) => (c.kind === 'module' || c.kind === 'assert_trap_module' || c.kind === 'assert_uninstantiable' || c.kind === 'assert_unlinkable' ? [c.module] : []));
    } catch {
      continue;
    }
    let kept = 0;
    for (const d of defs) {
      if (opts.perFile !== undefined && kept >= opts.perFile) break;
      let bytes: Uint8Array | undefined;
      try {
        bytes = encodeWastModule(d, { standard: '2.0' });
      } catch {
        continue; // malformed text (the suite has some on purpose)
      }
      if (!bytes || !decodes(bytes)) continue;
      const key = Buffer.from(bytes).toString('base64');
      if (seen.has(key)) continue;
      seen.add(key);
      modules.push(bytes);
      kept++;
    }
  }
  return { modules, specFiles: files.length };
}
