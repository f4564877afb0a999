// The engine's error classes, shaped like WebAssembly's.
import { TRAP_NAMES, type TrapCode } from '@wasmjit/codegen';
import { formatBacktrace, type TrapBacktrace, type WasmFrame } from './backtrace.js';
export { CompileError } from '@wasmjit/codegen';

export class LinkError extends Error {
  override name = 'LinkError';
}

export class RuntimeError extends Error {
  override name = 'RuntimeError';
  /** The trap code name, e.g. "stack_overflow", "unreachable", "integer_divide_by_zero". */
  readonly trap: string;
  /**
   * The wasm frames at the trap, innermost (the trapping function) first; the message ends
   * with them as `at func[3] <fib> (offset 0x1a4)` lines. Empty when not known.
   */
  readonly frames: readonly WasmFrame[];
  constructor(trap: string, message?: string, frames: readonly WasmFrame[] = []) {
    super(message ?? `wasm trap: ${trap}`);
    this.trap = trap;
    this.frames = frames;
  }
}

/** The RuntimeError for trap `code`, with the backtrace native recorded when given. */
export function trapError(code: TrapCode, backtrace?: TrapBacktrace): RuntimeError {
  const trap = TRAP_NAMES[code] ?? `trap_${code}`;
  if (!backtrace || backtrace.frames.length === 0) return new RuntimeError(trap);
  return new RuntimeError(trap, `wasm trap: ${trap}\n${formatBacktrace(backtrace)}`, backtrace.frames);
}
