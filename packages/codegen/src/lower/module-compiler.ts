// Compiles a whole module into one position-independent code blob: every defined function,
// plus one host thunk per imported function (used when the import is a JS function).
import { Assembler } from '../x64/assembler.js';

import { Cond } from '../x64/cond.js';
import { RAX, RBP, RCX, RDI, RDX, RSI, RSP, R14, type Gpr } from '../x64/regs.js';
import { Vmctx } from '../abi.js';
import { computeLayout } from '../layout.js';
import type { WasmModule } from '../wasm/types.js';
import { compileFunction } from './compile-function.js';
import type { CompileOptions, ModuleEnv } from './module-env.js';
import { OffsetMapBuilder, type OffsetMap } from './offset-map.js';

export interface CompiledCode {
  code: Uint8Array;
  /** Code offset of each function's entry (imports: the host thunk). */
  funcOffsets: number[];
  /** Code offset where each defined or imported function's code ends. */
  funcEnds: number[];
  comments: { offset: number; text: string }[];
  /** Flattened (wasm offset, code offset) pairs when requested. */
  opOffsets: number[] | null;
  /** Code offset → wasm offset (always collected; trap backtraces use it). */
  offsetMap: OffsetMap;
}

export function compileModuleCode(module: WasmModule, options: CompileOptions & { collectOffsets?: boolean } = {}): CompiledCode {
  const asm = new Assembler();
  const funcLabels = module.funcs.map(() => asm.newLabel());
  const env: ModuleEnv = {
    module,
    asm,
    funcLabels,
    layout: computeLayout(module),
    trace: options.trace ?? false,
    boundsChecks: options.boundsChecks ?? 'explicit',
    opOffsets: options.collectOffsets ? [] : null,
    stackChecks: options.stackChecks ?? true,
    offsetMap: new OffsetMapBuilder(),
    epochInterruption: options.epochInterruption ?? false,
    epochCounterAddress: options.epochCounterAddress,
    consumeFuel: options.consumeFuel ?? false,
  };
  const funcEnds: number[] = [];
  for (let i = 0; i < module.numImportedFuncs; i++) {
    emitHostThunk(asm, funcLabels[i]!, i, module);
    funcEnds.push(asm.offset);
  }
  for (let i = module.numImportedFuncs; i < module.funcs.length; i++) {
    compileFunction(env, i);
    funcEnds.push(asm.offset);
  }
  const code = asm.finish();
  return {
    code,
    funcOffsets: funcLabels.map((l) => asm.labelOffset(l)!),
    funcEnds,
    comments: asm.comments,
    opOffsets: env.opOffsets,
    offsetMap: env.offsetMap!.finish(),
  };
}

/**
 * A JS import is called through native host_call. The thunk has the wasm calling convention
 * on one side and the SysV ABI on the other: args/results stay in the caller's area.
 */
function emitHostThunk(asm: Assembler, label: ReturnType<Assembler['newLabel']>, importIndex: number, module: WasmModule): void {
  const sig = module.types[module.funcs[importIndex]!]!;
  const nslots = Math.max(sig.params.length, sig.results.length);
  asm.bind(label);
  asm.comment(`host thunk for import ${importIndex}`);
  asm.push_r(RBP);
  asm.mov_rr(64, RBP, RSP);
  asm.mov_rr(64, RDI, R14);
  asm.mov_ri(32, RSI, importIndex);
  asm.lea(64, RDX, { base: RBP, disp: 16 });
  asm.mov_ri(32, RCX, nslots);
  asm.call_m({ base: R14, disp: Vmctx.HostCall });
  asm.test_rr(32, RAX, RAX);
  const failed = asm.newLabel();
  asm.jcc_label(Cond.NE, failed);
  if (sig.results.length > 0) {
    asm.mov_rm(64, RAX, { base: RBP, disp: 16 });
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
