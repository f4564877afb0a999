// The code of an imported function as seen by wasm code of this module: a thunk used when
// the import is a JS function.
import { AluOp, type Assembler, type Label } from '../x64/assembler.js';
import { LOCAL_HOME_XMMS } from './local-regs.js';
import { Cond } from '../x64/cond.js';
import { RAX, RBP, RCX, RDI, RDX, RSI, RSP, R14, type Gpr } from '../x64/regs.js';
import { Vmctx } from '../abi.js';
import { ValType, type WasmModule } from '../wasm/types.js';

/**
 * A JS import is called through native host_call. The thunk has the wasm calling convention
 * on one side and the SysV ABI on the other: args/results stay in the caller's area.
 */
export function emitHostThunk(asm: Assembler, label: Label, importIndex: number, module: WasmModule): void {
  const sig = module.types[module.funcs[importIndex]!]!;
  const nslots = Math.max(sig.params.length, sig.results.length);
  asm.bind(label);
  asm.comment(`host thunk for import ${importIndex}`);
  asm.push_r(RBP);
  asm.mov_rr(64, RBP, RSP);
  // wasmcall keeps xmm8..xmm13 (float local homes) across calls; SysV does not.
  asm.alu_ri(AluOp.Sub, 64, RSP, 8 * LOCAL_HOME_XMMS.length);
  LOCAL_HOME_XMMS.forEach((x, i) => asm.movs_mr(64, { base: RSP, disp: 8 * i }, x));
  asm.mov_rr(64, RDI, R14);
  asm.mov_ri(32, RSI, importIndex);
  asm.lea(64, RDX, { base: RBP, disp: 16 });
  asm.mov_ri(32, RCX, nslots);
  asm.call_m({ base: R14, disp: Vmctx.HostCall });
  LOCAL_HOME_XMMS.forEach((x, i) => asm.movs_rm(64, x, { base: RSP, disp: 8 * i }));
  asm.mov_rr(64, RSP, RBP);
  asm.test_rr(32, RAX, RAX);
  const failed = asm.newLabel();
  asm.jcc_label(Cond.NE, failed);
  if (sig.results.length > 0) {
    // JS stores an i32 result into the low half of the slot only: a 32-bit load keeps rax
    // zero-extended (the Gpr invariant), where a 64-bit one would pick up a stale upper half.
    asm.mov_rm(sig.results[0] === ValType.I32 ? 32 : 64, RAX, { base: RBP, disp: 16 });
    asm.movs_rm(64, 0 as never, { base: RBP, disp: 16 });
  }
  asm.pop_r(RBP);
  asm.ret();
  asm.bind(failed);
  asm.mov_rr(32, RDI as Gpr, RAX);
  // No trap site to name (rsi = 0): a host failure rethrows the JS exception unchanged.
  asm.mov_ri(32, RSI, 0);
  asm.jmp_m({ base: R14, disp: Vmctx.TrapUnwind });
}
