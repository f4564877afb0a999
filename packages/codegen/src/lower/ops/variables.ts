// local.get/set/tee. local.get is lazy: the value is read from its slot (or register home)
// when used, unless the local changes first (then the pending reads take the old value, see
// materializeLocal). An ALU op on a register-homed local that this operator writes back is
// pending (pending-op.ts) and becomes one instruction on the home.
import { Kind } from '../value.js';
import { ValType } from '../../wasm/types.js';
import type { Gpr, Xmm } from '../masm/registers.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { LocalWrite, takeLocalUpdate } from '../pending-op.js';

export function localGet(fc: FunctionCompiler, index: number): void {
  fc.push(fc.localRef(index));
}

/** The top of the stack is local `index`'s own current value: writing it back changes nothing. */
function writesItself(fc: FunctionCompiler, index: number): boolean {
  const v = fc.peek();
  return v.kind === Kind.Local && v.local === index;
}

export function localSet(fc: FunctionCompiler, index: number): void {
  if (takeLocalUpdate(fc, index, LocalWrite.Set)) return;
  if (writesItself(fc, index)) {
    fc.pop();
    return;
  }
  fc.materializeLocal(index);
  const pos = fc.stack.length - 1;
  const v = fc.pop();
  const home = fc.homeOf(index);
  if (home >= 0) writeHome(fc, home as Gpr, v, pos);
  else fc.storeVal(v, pos, fc.frame.localMem(index));
  fc.release(v);
}

export function localTee(fc: FunctionCompiler, index: number): void {
  if (takeLocalUpdate(fc, index, LocalWrite.Tee)) return;
  if (writesItself(fc, index)) return;
  fc.materializeLocal(index);
  const pos = fc.stack.length - 1;
  const home = fc.homeOf(index);
  if (home < 0) {
    fc.storeVal(fc.peek(), pos, fc.frame.localMem(index));
    return;
  }
  // The value now lives in the home register: the stack reads it from there lazily.
  const v = fc.pop();
  writeHome(fc, home as Gpr, v, pos);
  fc.release(v);
  fc.push(fc.localRef(index));
}

function writeHome(fc: FunctionCompiler, home: Gpr, v: import('../value.js').Val, pos: number): void {
  const size = v.type === ValType.I32 ? 32 : 64;
  const a = fc.asm;
  const xmm = v.type === ValType.F32 || v.type === ValType.F64 || v.type === ValType.V128;
  switch (v.kind) {
    case Kind.Reg:
      if (xmm) a.movaps_rr(home as number as Xmm, v.reg as Xmm);
      else a.mov_rr(size, home, v.reg as Gpr);
      return;
    case Kind.Const:
      if (xmm) fc.loadInto(v, home);
      else if (size === 32) a.mov_ri(32, home, (v.value as number) >>> 0);
      else a.mov_ri(64, home, BigInt.asUintN(64, BigInt(v.value)));
      return;
    case Kind.Local:
      fc.loadInto(v, home);
      return;
    case Kind.Stack:
      fc.loadMem(v.type, home, fc.frame.spillMem(pos));
      return;
  }
}
