// Direct calls. Arguments go to the outgoing area at [rsp + 8*i]; every other live value is
// spilled first because a call clobbers all allocatable registers (see abi.ts).
import { BUILTIN_BASE, importedFuncOffset, type Builtin } from '../../abi.js';
import { regVal, stackVal } from '../value.js';
import { regClassOf } from '../reg-class.js';
import { ValType, type FuncType } from '../../wasm/types.js';
import { areaSlotsOf, callAreaSlots } from '../frame.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { outgoingMem } from '../masm/macro-assembler.js';
import { HOST_CALL_XMM_SLOTS, callHost } from '../masm/host-call.js';
import { resultReg } from '../masm/registers.js';

/** Move the arguments to the outgoing area and spill the rest. */
export function prepareCallArgs(fc: FunctionCompiler, sig: FuncType): void {
  const n = sig.params.length;
  const area = callAreaSlots(sig.params, sig.results);
  if (area > fc.frame.maxOutgoing) fc.frame.maxOutgoing = area;
  const base = fc.stack.length - n;
  for (let i = 0; i < base; i++) fc.spillAt(i);
  const at = areaSlotsOf(sig.params);
  for (let i = 0; i < n; i++) {
    const v = fc.stack[base + i]!;
    fc.storeVal(v, base + i, outgoingMem(at[i]!));
  }
  for (let i = 0; i < n; i++) fc.release(fc.pop());
}

/** Push the results of a call that just returned. */
export function pushCallResults(fc: FunctionCompiler, sig: FuncType): void {
  const results = sig.results;
  const at = areaSlotsOf(results);
  for (let i = 0; i < results.length; i++) {
    const t = results[i]!;
    if (i === 0 && t !== ValType.V128) {
      const r = resultReg(regClassOf(t));
      fc.ra.take(regClassOf(t), r);
      fc.push(regVal(t, r));
      continue;
    }
    fc.push(stackVal(t));
    fc.copySlot(t, fc.frame.spillMem(fc.stack.length - 1), outgoingMem(at[i]!));
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
    fc.masm.callImport(importedFuncOffset(funcIndex));
  } else {
    // The callee may be compiled elsewhere (another range, another thread): the rel32 is
    // filled in when the code is placed (link-chunks.ts).
    fc.env.callRelocs.push(a.call_rel32(), funcIndex);
  }
  fc.saveScratchHomes(false);
  pushCallResults(fc, sig);
}

/**
 * The host_call of builtin `builtin` whose arguments (and results) are the first `nslots`
 * slots of the outgoing area, already stored: the float homes host_call may clobber are kept
 * in the slots past them, and a failure unwinds like a throwing import.
 */
export function hostCallBuiltin(fc: FunctionCompiler, builtin: Builtin, nslots: number): void {
  if (nslots + HOST_CALL_XMM_SLOTS > fc.frame.maxOutgoing) fc.frame.maxOutgoing = nslots + HOST_CALL_XMM_SLOTS;
  callHost(fc.masm, {
    id: BUILTIN_BASE + builtin,
    area: outgoingMem(0),
    nslots,
    xmmSlot: (i) => outgoingMem(nslots + i),
    failed: fc.hostFailure(),
    afterSave: () => fc.saveScratchHomes(true),
    afterRestore: () => fc.saveScratchHomes(false),
  });
}

/**
 * Call a runtime builtin (see Builtin in abi.ts) through native host_call. The top
 * `argTypes.length` values are the arguments; pushes the result when `result` is given.
 */
export function callBuiltin(fc: FunctionCompiler, builtin: Builtin, argTypes: ValType[], result: ValType | null): void {
  const sig: FuncType = { params: argTypes, results: result === null ? [] : [result] };
  prepareCallArgs(fc, sig);
  hostCallBuiltin(fc, builtin, Math.max(argTypes.length, 1));
  if (result !== null) {
    const r = fc.allocReg(regClassOf(result));
    fc.loadMem(result, r, outgoingMem(0));
    fc.push(regVal(result, r));
  }
}
