// What every function compiler of one module shares.
import type { Assembler, Label } from '../x64/assembler.js';
import type { WasmModule } from '../wasm/types.js';

export interface CompileOptions {
  /** Emit the prologue stack check (an internal switch, for measuring its cost only). */
  stackChecks?: boolean;
  /** Record `[jit]` comments per wasm operator (for `explore` and tracing). */
  trace?: boolean;
}

export interface ModuleEnv {
  readonly module: WasmModule;
  readonly asm: Assembler;
  /** Entry label of every function in the index space (imports: their host thunk). */
  readonly funcLabels: Label[];
  readonly trace: boolean;
  /** Pairs (wasm byte offset, code offset) per operator when collecting a source map. */
  readonly opOffsets: number[] | null;
}
