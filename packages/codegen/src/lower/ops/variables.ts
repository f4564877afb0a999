// local.get/set/tee. local.get is lazy: the value is read from its slot when used, unless
// the local changes first (then the pending reads take the old value, see materializeLocal).
import { localVal } from '../value.js';
import type { FunctionCompiler } from '../function-compiler.js';

export function localGet(fc: FunctionCompiler, index: number): void {
  fc.push(localVal(fc.localTypes[index]!, index));
}

export function localSet(fc: FunctionCompiler, index: number): void {
  fc.materializeLocal(index);
  const pos = fc.stack.length - 1;
  const v = fc.pop();
  fc.storeVal(v, pos, fc.frame.localMem(index));
  fc.release(v);
}

export function localTee(fc: FunctionCompiler, index: number): void {
  fc.materializeLocal(index);
  const pos = fc.stack.length - 1;
  fc.storeVal(fc.peek(), pos, fc.frame.localMem(index));
}
