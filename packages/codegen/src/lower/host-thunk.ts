// The code of an imported function as seen by wasm code of this module: a thunk used when
// the import is a JS function.
import type { Assembler, Label } from '../x64/assembler.js';
import { ValType, type WasmModule } from '../wasm/types.js';
import { MacroAssembler } from './masm/macro-assembler.js';
import { HOST_CALL_XMM_SLOTS, callHost, loadHostResult, rethrowHostStatus } from './masm/host-call.js';
import { callAreaSlots, rbpMem } from './frame.js';

/**
 * A JS import is called through native host_call. The thunk has the wasm calling convention
 * on one side and the SysV ABI on the other: args/results stay in the caller's area, which
 * is [rbp + 16] in the thunk's frame.
 */
export function emitHostThunk(asm: Assembler, label: Label, importIndex: number, module: WasmModule): void {
  const sig = module.types[module.funcs[importIndex]!]!;
  const nslots = callAreaSlots(sig.params, sig.results);
  const masm = new MacroAssembler(asm);
  const area = rbpMem(16);
  asm.bind(label);
  asm.comment(`host thunk for import ${importIndex}`);
  masm.linkFrame();
  // The xmm homes are kept in slots the thunk pushes below its frame link.
  const saveArea = masm.reserveStack(8 * HOST_CALL_XMM_SLOTS);
  const failed = asm.newLabel();
  callHost(masm, {
    id: importIndex,
    area,
    nslots,
    xmmSlot: saveArea,
    failed,
    afterRestore: () => masm.dropSlots(),
  });
  if (sig.results.length > 0) loadHostResult(masm, sig.results[0] === ValType.I32 ? 32 : 64, area);
  masm.popFrameAndReturn();
  asm.bind(failed);
  rethrowHostStatus(masm);
}
