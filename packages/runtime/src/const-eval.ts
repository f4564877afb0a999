// Evaluation of constant expressions (global initialisers, element segment offsets and
// items) at instantiation. Values are raw wasm bits as unsigned bigints: i32/f32 in 32 bits,
// v128 in 128, everything else in 64 (references: record address or extern handle), which is exactly
// what goes into a global cell or a table element. The validator has checked the types.
import type { ConstExpr } from '@wasmjit/codegen';

export interface ConstEnv {
  /** Raw bits of global `index` (only globals already initialised may be read). */
  global(index: number): bigint;
  /** Raw funcref of function `index` (its FuncRefRecord's address). */
  funcRef(index: number): bigint;
}

const u32 = (x: bigint) => BigInt.asUintN(32, x);
const u64 = (x: bigint) => BigInt.asUintN(64, x);

export function v128FromBytes(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = 15; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

export function evalConstExpr(expr: ConstExpr, env: ConstEnv): bigint {
  const stack: bigint[] = [];
  const pop = (): bigint => {
    const v = stack.pop();
    if (v === undefined) throw new Error('BUG: constant expression stack underflow (not validated?)');
    return v;
  };
  for (const ins of expr.instrs) {
    switch (ins.op) {
      case 'i32.const': stack.push(u32(BigInt(ins.value))); break;
      case 'i64.const': stack.push(u64(ins.value)); break;
      case 'f32.const': stack.push(BigInt(ins.bits >>> 0)); break;
      case 'f64.const': stack.push(u64(ins.bits)); break;
      case 'ref.null': stack.push(0n); break;
      case 'ref.func': stack.push(env.funcRef(ins.index)); break;
      case 'global.get': stack.push(env.global(ins.index)); break;
      // 16 little-endian bytes as one 128-bit unsigned value (a v128 global's whole cell).
      case 'v128.const': stack.push(v128FromBytes(ins.bytes)); break;
      default: {
        const b = pop();
        const a = pop();
        switch (ins.op) {
          case 'i32.add': stack.push(u32(a + b)); break;
          case 'i32.sub': stack.push(u32(a - b)); break;
          case 'i32.mul': stack.push(u32(a * b)); break;
          case 'i64.add': stack.push(u64(a + b)); break;
          case 'i64.sub': stack.push(u64(a - b)); break;
          case 'i64.mul': stack.push(u64(a * b)); break;
        }
      }
    }
  }
  if (stack.length !== 1) throw new Error('BUG: constant expression left a stack of ' + stack.length);
  return stack[0]!;
}
