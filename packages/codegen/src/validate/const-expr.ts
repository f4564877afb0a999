// Validation of constant expressions: a tiny stack machine over the instructions the decoder
// accepted as constant. In Wasm 2.0 global.get may only read imported immutable globals,
// whose values are fixed before any initialiser runs.

import { CompileError } from '../errors.js';
import { ValType, type ConstExpr, type WasmModule } from '../wasm/types.js';
import { typeName } from './signatures.js';

export function validateConstExpr(m: WasmModule, expr: ConstExpr, expected: ValType): void {
  const fail = (message: string): never => {
    throw new CompileError(message, expr.offset);
  };
  const stack: ValType[] = [];
  const pop = (t: ValType) => {
    const actual = stack.pop();
    if (actual !== t) fail(`type mismatch: constant expression expected ${typeName(t)} but got ${typeName(actual)}`);
  };
  for (const instr of expr.instrs) {
    switch (instr.op) {
      case 'i32.const':
        stack.push(ValType.I32);
        break;
      case 'i64.const':
        stack.push(ValType.I64);
        break;
      case 'f32.const':
        stack.push(ValType.F32);
        break;
      case 'f64.const':
        stack.push(ValType.F64);
        break;
      case 'ref.null':
        stack.push(instr.type);
        break;
      case 'ref.func':
        if (instr.index >= m.funcs.length) fail(`unknown function ${instr.index}`);
        stack.push(ValType.FuncRef);
        break;
      case 'global.get': {
        // Defined globals are not in scope here (2.0), hence "unknown" rather than "not constant".
        const g = m.importedGlobals[instr.index];
        if (!g) return fail(`unknown global ${instr.index}`);
        if (g.mutable) fail('constant expression required: global.get of a mutable global');
        stack.push(g.type);
        break;
      }
      case 'i32.add':
      case 'i32.sub':
      case 'i32.mul':
        pop(ValType.I32);
        pop(ValType.I32);
        stack.push(ValType.I32);
        break;
      case 'i64.add':
      case 'i64.sub':
      case 'i64.mul':
        pop(ValType.I64);
        pop(ValType.I64);
        stack.push(ValType.I64);
        break;
    }
  }
  if (stack.length !== 1 || stack[0] !== expected) {
    fail(`type mismatch: constant expression must produce [${typeName(expected)}], got [${stack.map(typeName).join(' ')}]`);
  }
}
