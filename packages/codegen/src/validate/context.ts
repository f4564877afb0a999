// Facts about a module that every function's validation needs and that are costly enough
// to compute only once: which functions may be named by ref.func inside code, and the
// signatures in the numeric form the function validator's stacks use.

import type { ConstExpr, WasmModule } from '../wasm/types.js';
import { buildSigTable, type SigTable } from './sig-table.js';

export interface ModuleContext {
  /**
   * declaredRefs[f] = 1 if function f occurs outside function bodies (in an export, an
   * element segment, or any constant expression). Only those may be used with ref.func in
   * code, which lets an engine know up front which functions need a reference object.
   */
  declaredRefs: Uint8Array;
  sigs: SigTable;
}

const contexts = new WeakMap<WasmModule, ModuleContext>();

export function moduleContext(m: WasmModule): ModuleContext {
  let ctx = contexts.get(m);
  if (!ctx) {
    ctx = { declaredRefs: collectDeclaredRefs(m), sigs: buildSigTable(m) };
    contexts.set(m, ctx);
  }
  return ctx;
}

function collectDeclaredRefs(m: WasmModule): Uint8Array {
  const refs = new Uint8Array(m.funcs.length);
  const mark = (expr: ConstExpr | undefined) => {
    if (!expr) return;
    for (const instr of expr.instrs) {
      if (instr.op === 'ref.func' && instr.index < refs.length) refs[instr.index] = 1;
    }
  };
  for (const g of m.globals) mark(g.init);
  for (const t of m.tables) mark(t.init);
  for (const e of m.elems) {
    mark(e.offset);
    for (const item of e.init) mark(item);
  }
  // Data segment offsets are not looked at: a ref.func in one can only be part of an
  // invalid module (an i32 expression has no use for a funcref), which structure validation
  // rejects before any body is validated. (Toolchains emit up to ~100k data segments.)
  for (const e of m.exports) {
    if (e.kind === 'func' && e.index < refs.length) refs[e.index] = 1;
  }
  return refs;
}
