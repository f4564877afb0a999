// Validation of constant expressions: a tiny stack machine over the instructions the decoder
// accepted as constant. In Wasm 2.0 global.get may only read imported immutable globals,
// whose values are fixed before any initialiser runs.

import { CompileError, UnsupportedFeatureError, withFeature } from '../errors.js';
import { FEATURE } from '../wasm/future-features.js';
import { ValType, type ConstExpr, type ConstInstr, type WasmModule } from '../wasm/types.js';
import { typeName } from './signatures.js';

export function validateConstExpr(m: WasmModule, expr: ConstExpr, expected: ValType): void {
  const instrs = expr.instrs;
  // Element segments hold thousands of one-instruction expressions: type those directly.
  if (instrs.length === 1) {
    const t = typeOf(m, expr, instrs[0]!);
    if (t === expected) return;
    if (t !== undefined) mismatch(expr, expected, [t]);
  }
  const stack: ValType[] = [];
  for (const instr of instrs) {
    const t = typeOf(m, expr, instr);
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
  if (stack.length !== 1 || stack[0] !== expected) mismatch(expr, expected, stack);
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
function typeOf(m: WasmModule, expr: ConstExpr, instr: ConstInstr): ValType | undefined {
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
      return instr.type;
    case 'ref.func':
      if (instr.index >= m.funcs.length) fail(expr, `unknown function ${instr.index}`);
      return ValType.FuncRef;
    case 'global.get': {
      // Defined globals are not in scope here (2.0), hence "unknown" rather than "not constant".
      const g = m.importedGlobals[instr.index];
      if (!g) {
        // Wasm 3.0 lets constant expressions read the module's own (earlier, immutable) globals.
        if (instr.index < m.importedGlobals.length + m.globals.length) {
          throw new UnsupportedFeatureError(FEATURE.extendedConst, withFeature(`unknown global ${instr.index}`, FEATURE.extendedConst), expr.offset);
        }
        return fail(expr, `unknown global ${instr.index}`);
      }
      if (g.mutable) fail(expr, 'constant expression required: global.get of a mutable global');
      return g.type;
    }
    default:
      return undefined;
  }
}
