// The engine's error classes, shaped like WebAssembly's: constructors take (message, options)
// like Error, and `name` lives on the prototype (as for the built-in NativeErrors), so that
// the WebAssembly namespace (webassembly/) can expose these very classes: a trap thrown deep
// inside a call is then an instance of WebAssembly.RuntimeError.
import { TRAP_NAMES, type TrapCode } from '@wasmjit/codegen';
import { formatBacktrace, type TrapBacktrace, type WasmFrame } from './backtrace.js';
export { CompileError } from '@wasmjit/codegen';

// `...rest` rather than a second parameter: like Error and V8's WebAssembly errors, the
// constructors' length is 1.
export class LinkError extends Error {
  constructor(message?: string, ...rest: [options?: ErrorOptions]) {
    super(message, rest[0]);
  }
}

export interface RuntimeErrorOptions extends ErrorOptions {
  /** The trap code name (see RuntimeError.trap). */
  trap?: string;
  /** The wasm frames at the trap (see RuntimeError.frames). */
  frames?: readonly WasmFrame[];
}

export class RuntimeError extends Error {
  /**
   * The trap code name, e.g. "stack_overflow", "unreachable", "integer_divide_by_zero".
   * Empty for a RuntimeError that no trap made (one constructed by JS code).
   */
  readonly trap: string;
  /**
   * The wasm frames at the trap, innermost (the trapping function) first; the message ends
   * with them as `at func[3] <fib> (offset 0x1a4)` lines. Empty when not known.
   */
  readonly frames: readonly WasmFrame[];
  constructor(message?: string, ...rest: [options?: RuntimeErrorOptions]) {
    const options = rest[0];
    super(message, options);
    this.trap = options?.trap ?? '';
    this.frames = options?.frames ?? [];
  }
}

// As for TypeError etc.: `name` and an empty `message` on the prototype, not on instances.
for (const E of [LinkError, RuntimeError]) {
  Object.defineProperty(E.prototype, 'name', { value: E.name, writable: true, enumerable: false, configurable: true });
  Object.defineProperty(E.prototype, 'message', { value: '', writable: true, enumerable: false, configurable: true });
}

/** The RuntimeError for trap `code`, with the backtrace native recorded when given. */
export function trapError(code: TrapCode, backtrace?: TrapBacktrace): RuntimeError {
  const trap = TRAP_NAMES[code] ?? `trap_${code}`;
  if (!backtrace || backtrace.frames.length === 0) return new RuntimeError(`wasm trap: ${trap}`, { trap });
  return new RuntimeError(`wasm trap: ${trap}\n${formatBacktrace(backtrace)}`, { trap, frames: backtrace.frames });
}
