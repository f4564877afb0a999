// Direct calls. Arguments go to the outgoing area at [rsp + 8*i]; every other live value is
// spilled first because a call clobbers all allocatable registers (see abi.ts).
import { R11, R14, RAX, RCX, RDI, RDX, RSI, RSP } from '../../x64/regs.js';
import type { Mem } from '../../x64/assembler.js';
import { Cond } from '../../x64/cond.js';
import { BUILTIN_BASE, Vmctx, importedFuncOffset, type Builtin } from '../../abi.js';
import { regVal, stackVal } from '../value.js';
import { LOCAL_HOME_XMMS } from '../local-regs.js';
import { regClassOf } from '../reg-class.js';
import { VMCTX_SLOT, rbpMem } from '../frame.js';
import type { FuncType, ValType } from '../../wasm/types.js';
import type { FunctionCompiler } from '../function-compiler.js';

/** Shared [rsp + 8*i] operands of the outgoing area (read-only, like every Mem). */
const outgoing: Mem[] = [];
function outgoingMem(i: number): Mem {
  return (outgoing[i] ??= { base: RSP, disp: 8 * i });
}

const HOST_CALL: Mem = { base: R14, disp: Vmctx.HostCall };

/** Move the arguments to the outgoing area and spill the rest. */
export function prepareCallArgs(fc: FunctionCompiler, sig: FuncType): void {
  const n = sig.params.length;
  const area = Math.max(n, sig.results.length);
  if (area > fc.frame.maxOutgoing) fc.frame.maxOutgoing = area;
  const base = fc.stack.length - n;
  for (let i = 0; i < base; i++) fc.spillAt(i);
  for (let i = 0; i < n; i++) {
    const v = fc.stack[base + i]!;
    fc.storeVal(v, base + i, outgoingMem(i));
  }
  for (let i = 0; i < n; i++) fc.release(fc.pop());
}

/** Push the results of a call that just returned. */
export function pushCallResults(fc: FunctionCompiler, sig: FuncType): void {
  const results = sig.results;
  for (let i = 0; i < results.length; i++) {
    const t = results[i]!;
    if (i === 0) {
      fc.ra.take(regClassOf(t), 0); // rax or xmm0
      fc.push(regVal(t, 0));
      continue;
    }
    fc.asm.mov_rm(64, R11, outgoingMem(i));
    fc.push(stackVal(t));
    fc.asm.mov_mr(64, fc.frame.spillMem(fc.stack.length - 1), R11);
  }
}

export function visitCall(fc: FunctionCompiler, funcIndex: number): void {
  const m = fc.module;
  const sig = m.types[m.funcs[funcIndex]!]!;
  prepareCallArgs(fc, sig);
  const a = fc.asm;
  fc.saveScratchHomes(true);
  if (funcIndex < m.numImportedFuncs) {
    // Imports may live in another instance: switch vmctx for the call, restore after.
    const off = importedFuncOffset(funcIndex);
    a.mov_rm(64, R11, { base: R14, disp: off });
    a.mov_rm(64, R14, { base: R14, disp: off + 8 });
    a.call_r(R11);
    a.mov_rm(64, R14, rbpMem(VMCTX_SLOT));
  } else {
    // The callee may be compiled elsewhere (another range, another thread): the rel32 is
    // filled in when the code is placed (link-chunks.ts).
    fc.env.callRelocs.push(a.call_rel32(), funcIndex);
  }
  fc.saveScratchHomes(false);
  pushCallResults(fc, sig);
}

/**
 * Call a runtime builtin (see Builtin in abi.ts) through native host_call. The top
 * `argTypes.length` values are the arguments; pushes the result when `result` is given.
 */
export function callBuiltin(fc: FunctionCompiler, builtin: Builtin, argTypes: ValType[], result: ValType | null): void {
  const sig: FuncType = { params: argTypes, results: result === null ? [] : [result] };
  prepareCallArgs(fc, sig);
  const a = fc.asm;
  const nslots = Math.max(argTypes.length, 1);
  // C may clobber xmm8..xmm13, which wasmcall treats as callee-saved (local homes of this
  // function or of any wasm caller up the stack): keep them in slots past the arguments.
  if (nslots + LOCAL_HOME_XMMS.length > fc.frame.maxOutgoing) fc.frame.maxOutgoing = nslots + LOCAL_HOME_XMMS.length;
  LOCAL_HOME_XMMS.forEach((x, i) => a.movs_mr(64, outgoingMem(nslots + i), x));
  fc.saveScratchHomes(true);
  a.mov_rr(64, RDI, R14);
  a.mov_ri(32, RSI, BUILTIN_BASE + builtin);
  a.mov_rr(64, RDX, RSP);
  a.mov_ri(32, RCX, nslots);
  a.call_m(HOST_CALL);
  LOCAL_HOME_XMMS.forEach((x, i) => a.movs_rm(64, x, outgoingMem(nslots + i)));
  fc.saveScratchHomes(false);
  a.test_rr(32, RAX, RAX);
  a.jcc_label(Cond.NE, fc.hostFailure());
  if (result !== null) {
    const r = fc.allocReg(regClassOf(result));
    fc.loadMem(result, r, outgoingMem(0));
    fc.push(regVal(result, r));
  }
}
