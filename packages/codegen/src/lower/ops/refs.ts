// Reference operators. A funcref is the address of a FuncRefRecord (layout.ts) and an
// externref a runtime handle; both are 64-bit integers in a Gpr, and 0 is null for both.
// So ref.null is the constant 0, ref.is_null a compare with 0, and ref.func the address of
// the function's record in this instance's vmctx.
import { Cond } from '../../x64/cond.js';
import type { Gpr } from '../masm/registers.js';
import { vmctxMem } from '../masm/macro-assembler.js';
import { funcRefOffset } from '../../layout.js';
import { Op } from '../../wasm/opcodes.js';
import { ValType } from '../../wasm/types.js';
import { lowered } from '../../wasm/ref-types.js';
import type { BinaryReader } from '../../wasm/reader.js';
import { Kind, constVal, regVal } from '../value.js';
import type { FunctionCompiler } from '../function-compiler.js';

/** ref.null / ref.is_null / ref.func (lowering dispatch: lower/op-handlers.ts). */
export function refsFamily(fc: FunctionCompiler, r: BinaryReader, op: number): void {
  switch (op) {
    case Op.RefNull:
      fc.push(constVal(lowered(r.readHeapType()), 0n));
      return;
    case Op.RefIsNull:
      refIsNull(fc);
      return;
    case Op.RefFunc: {
      const reg = fc.allocGpr();
      fc.asm.lea(64, reg, vmctxMem(funcRefOffset(fc.env.layout, r.readVarU32())));
      fc.push(regVal(ValType.FuncRef, reg));
      return;
    }
    default:
      throw new Error(`BUG: 0x${op.toString(16)} is not a reference operator`);
  }
}

function refIsNull(fc: FunctionCompiler): void {
  const v = fc.peek();
  if (v.kind === Kind.Const) {
    // Only ref.null is a reference constant.
    fc.pop();
    fc.push(constVal(ValType.I32, BigInt(v.value) === 0n ? 1 : 0));
    return;
  }
  const reg = fc.popToReg() as Gpr;
  fc.asm.test_rr(64, reg, reg);
  fc.asm.setcc(Cond.E, reg);
  fc.asm.movzx_rr(8, reg, reg);
  fc.push(regVal(ValType.I32, reg));
}
