// Validation of constant expressions: a tiny stack machine over the instructions the decoder
// accepted as constant. In Wasm 2.0 global.get may only read imported immutable globals,
// whose values are fixed before any initialiser runs; with extended constants (Wasm 3.0) it
// may also read the module's own immutable globals defined before the one being initialised
// (globals are initialised in order, so those already hold their values).

import { CompileError, UnsupportedFeatureError } from '../errors.js';
import { FEATURE } from '../wasm/future-features.js';
import { ValType, type ConstExpr, type ConstInstr, type WasmModule } from '../wasm/types.js';
import { typeName } from './signatures.js';
import { featureOn } from '../wasm/reader.js';
import { canonicalRef, heapIndex, isSubtype, typedRef } from '../wasm/ref-types.js';
import { moduleCanon } from '../wasm/type-canon.js';

/**
 * `visibleGlobals`: how many globals (imported ones first) global.get may read; by default
 * every one extended constants allow (all of them, for segments and tables, which are
 * initialised after the globals).
 */
export function validateConstExpr(m: WasmModule, expr: ConstExpr, expected: ValType, visibleGlobals = readableGlobals(m)): void {
  const instrs = expr.instrs;
  if (expected > 0xff) expected = canonicalRef(expected, moduleCanon(m));
  // Element segments hold thousands of one-instruction expressions: type those directly.
  if (instrs.length === 1) {
    const t = typeOf(m, expr, instrs[0]!, visibleGlobals);
    if (t === expected) return;
    if (t !== undefined && isSubtype(t, expected)) return;
    if (t !== undefined) mismatch(expr, expected, [t]);
  }
  const stack: ValType[] = [];
  for (const instr of instrs) {
    const t = typeOf(m, expr, instr, visibleGlobals);
    if (t !== undefined) {
      stack.push(t);
      continue;
    }
    // A binary operator of the extended-const proposal.
    const operand = instr.op.startsWith('i32.') ? ValType.I32 : ValType.I64;
    popOperand(expr, stack, operand);
    popOperand(expr, stack, operand);
    stack.push(operand);
  }
  if (stack.length !== 1 || !isSubtype(stack[0]!, expected)) mismatch(expr, expected, stack);
}

function extendedConstOn(m: WasmModule): boolean {
  return featureOn(m.features ?? {}, 'extendedConst');
}

/** How many globals a segment's or table's constant expression may read. */
export function readableGlobals(m: WasmModule): number {
  return extendedConstOn(m) ? m.importedGlobals.length + m.globals.length : m.importedGlobals.length;
}

/** How many globals defined global `definedIndex`'s initialiser may read. */
export function globalsBefore(m: WasmModule, definedIndex: number): number {
  return extendedConstOn(m) ? m.importedGlobals.length + definedIndex : m.importedGlobals.length;
}

function fail(expr: ConstExpr, message: string): never {
  throw new CompileError(message, expr.offset);
}

function mismatch(expr: ConstExpr, expected: ValType, stack: ValType[]): never {
  fail(expr, `type mismatch: constant expression must produce [${typeName(expected)}], got [${stack.map(typeName).join(' ')}]`);
}

function popOperand(expr: ConstExpr, stack: ValType[], t: ValType): void {
  const actual = stack.pop();
  if (actual !== t) fail(expr, `type mismatch: constant expression expected ${typeName(t)} but got ${typeName(actual)}`);
}

/** The type an instruction pushes, or undefined for the binary operators (which pop two). */
function typeOf(m: WasmModule, expr: ConstExpr, instr: ConstInstr, visibleGlobals: number): ValType | undefined {
  switch (instr.op) {
    case 'i32.const':
      return ValType.I32;
    case 'i64.const':
      return ValType.I64;
    case 'f32.const':
      return ValType.F32;
    case 'f64.const':
      return ValType.F64;
    case 'v128.const':
      return ValType.V128;
    case 'ref.null':
      if (instr.type > 0xff && heapIndex(instr.type) >= m.types.length) fail(expr, `unknown type ${heapIndex(instr.type)}`);
      return canonicalRef(instr.type, moduleCanon(m));
    case 'ref.func':
      if (instr.index >= m.funcs.length) fail(expr, `unknown function ${instr.index}`);
      // Typed function references: the function's exact, non-null type.
      if (featureOn(m.features ?? {}, 'typedFunctionReferences')) return typedRef(moduleCanon(m)[m.funcs[instr.index]!]!, false);
      return ValType.FuncRef;
    case 'global.get': {
      // Globals out of scope are "unknown" rather than "not constant" (as the spec says).
      const nImported = m.importedGlobals.length;
      const g = instr.index < visibleGlobals
        ? (instr.index < nImported ? m.importedGlobals[instr.index] : m.globals[instr.index - nImported]?.type)
        : undefined;
      if (!g) {
        // With the feature off, Wasm 3.0 would have accepted a defined global: say so.
        if (!extendedConstOn(m) && instr.index < nImported + m.globals.length) {
          throw new UnsupportedFeatureError(FEATURE.extendedConst, `unknown global ${instr.index}`, expr.offset);
        }
        return fail(expr, `unknown global ${instr.index}`);
      }
      if (g.mutable) fail(expr, 'constant expression required: global.get of a mutable global');
      return canonicalRef(g.type, moduleCanon(m));
    }
    default:
      return undefined;
  }
}
