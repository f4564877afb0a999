// Import values that satisfy any module's import section, so that a fuzzed module that
// compiles can also be instantiated and run: functions return zeros, memories, tables and
// globals are fresh objects of the declared type.
import { ValType, type WasmModule } from '@wasmjit/codegen';
import { Global, Memory, Table, type Imports } from '@wasmjit/runtime';

/** A JS zero of a value type (what a default argument or result should be). */
export function zeroOf(t: ValType): unknown {
  switch (t) {
    case ValType.I64: return 0n;
    case ValType.FuncRef: case ValType.ExternRef: return null;
    default: return 0;
  }
}

const GLOBAL_NAMES: Partial<Record<ValType, 'i32' | 'i64' | 'f32' | 'f64' | 'anyfunc' | 'externref'>> = {
  [ValType.I32]: 'i32', [ValType.I64]: 'i64', [ValType.F32]: 'f32', [ValType.F64]: 'f64',
  [ValType.FuncRef]: 'anyfunc', [ValType.ExternRef]: 'externref',
};

export function stubImports(m: WasmModule): Imports {
  const imports: Imports = {};
  for (const imp of m.imports) {
    const ns = (imports[imp.module] ??= {});
    const d = imp.desc;
    switch (d.kind) {
      case 'func': {
        const results = m.types[d.typeIndex]?.results ?? [];
        const zeros = results.map(zeroOf);
        ns[imp.name] = results.length > 1 ? () => zeros : () => zeros[0];
        break;
      }
      case 'memory':
        ns[imp.name] = new Memory({ initial: d.type.min, maximum: d.type.max });
        break;
      case 'table':
        ns[imp.name] = new Table({ element: d.type.elemType === ValType.ExternRef ? 'externref' : 'anyfunc', initial: d.type.limits.min, maximum: d.type.limits.max });
        break;
      case 'global': {
        const value = GLOBAL_NAMES[d.type.type];
        if (value) ns[imp.name] = new Global({ value, mutable: d.type.mutable }, zeroOf(d.type.type));
        break;
      }
    }
  }
  return imports;
}
