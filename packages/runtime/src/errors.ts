// The engine's error classes, shaped like WebAssembly's: constructors take (message, options)
// like Error, and `name` lives on the prototype (as for the built-in NativeErrors), so that
// the WebAssembly namespace (webassembly/) can expose these very classes: a trap thrown deep
// inside a call is then an instance of WebAssembly.RuntimeError.
import { TRAP_NAMES, type TrapCode } from '@wasmjit/codegen';
import { formatBacktrace, opcodeAt, type TrapBacktrace, type WasmFrame } from './backtrace.js';
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

/**
 * A trap's message: V8's text for the same trap (what WebAssembly.RuntimeError says in
 * Node), so that a program matching messages behaves the same on wasmjit; `trap` keeps
 * wasmjit's code. Traps V8 has no counterpart for (interrupt, out_of_fuel) get texts in the
 * same style. Call-stack exhaustion is V8's RangeError text, but still a RuntimeError with
 * trap 'stack_overflow' here: a trap like the others, which the caller can catch and go on.
 */
const TRAP_MESSAGES: Readonly<Record<string, string>> = {
  stack_overflow: 'Maximum call stack size exceeded',
  unreachable: 'unreachable',
  integer_divide_by_zero: 'divide by zero',
  integer_overflow: 'divide result unrepresentable',
  bad_conversion_to_integer: 'float unrepresentable in integer range',
  out_of_bounds_memory: 'memory access out of bounds',
  out_of_bounds_table: 'table index is out of bounds',
  indirect_call_to_null: 'null function or function signature mismatch',
  bad_signature: 'null function or function signature mismatch',
  uninitialized_element: 'null function or function signature mismatch',
  null_reference: 'dereferencing a null pointer',
  out_of_bounds_data_or_elem: 'element segment out of bounds',
  interrupt: 'execution interrupted',
  out_of_fuel: 'all fuel consumed',
  unaligned_atomic: 'operation does not support unaligned accesses',
  expected_shared_memory: 'Atomics.wait cannot be called in this context',
};

/** i32.rem_s, i32.rem_u, i64.rem_s, i64.rem_u: V8 says "remainder by zero" for these. */
const REM_OPCODES = new Set([0x6f, 0x70, 0x81, 0x82]);
/** i32.div_s, i64.div_s: their overflow is "divide result unrepresentable" in V8. */
const DIV_S_OPCODES = new Set([0x6d, 0x7f]);

/**
 * The message for a trap. Some trap codes stand for operators V8 words differently (a
 * division or a remainder by zero; a division or a float truncation that overflows), so the
 * trapping operator is read from the module bytes at the innermost frame's offset.
 */
function trapMessage(trap: string, frames: readonly WasmFrame[]): string {
  const op = frames[0] && opcodeAt(frames[0]);
  if (trap === 'integer_divide_by_zero' && op !== undefined && REM_OPCODES.has(op)) return 'remainder by zero';
  // The spec's "integer overflow" of a truncation (out of range, not NaN) is V8's
  // "float unrepresentable"; only a signed division's is "divide result unrepresentable".
  if (trap === 'integer_overflow' && op !== undefined && !DIV_S_OPCODES.has(op)) return TRAP_MESSAGES.bad_conversion_to_integer!;
  return TRAP_MESSAGES[trap] ?? trap;
}

/** The formatted wasm backtrace of each trap error that has one (for the CLI). */
const backtraceText = new WeakMap<RuntimeError, string>();

/** Traps raised while initializing segments at instantiation (see instantiationTrap). */
const instantiationTraps = new WeakSet<RuntimeError>();

/**
 * The RuntimeError for trap `code`, with the backtrace native recorded when given, and
 * `text` instead of the trap's usual message when given. The message is V8's one line; the
 * wasm frames are in `frames` and, as `at func[i] <name> (offset 0x..)` lines, at the top
 * of `stack` (where V8 lists its `wasm-function[i]` frames).
 */
export function trapError(code: TrapCode, backtrace?: TrapBacktrace, text?: string): RuntimeError {
  const trap = TRAP_NAMES[code] ?? `trap_${code}`;
  const frames = backtrace?.frames ?? [];
  const e = new RuntimeError(text ?? trapMessage(trap, frames), { trap, frames });
  if (backtrace !== undefined && frames.length > 0) {
    const lines = formatBacktrace(backtrace);
    backtraceText.set(e, lines);
    const stack = e.stack;
    if (typeof stack === 'string') {
      const eol = stack.indexOf('\n');
      e.stack = eol < 0 ? `${stack}\n${lines}` : `${stack.slice(0, eol)}\n${lines}${stack.slice(eol)}`;
    }
  }
  return e;
}

/** A trap applying an active segment at instantiation (V8 prefixes these with the API call). */
export function instantiationTrap(code: TrapCode, text: string): RuntimeError {
  const e = trapError(code, undefined, text);
  instantiationTraps.add(e);
  return e;
}

export function isInstantiationTrap(e: unknown): e is RuntimeError {
  return e instanceof RuntimeError && instantiationTraps.has(e);
}

/** The `at func[i] ...` lines of a trap error made by trapError, if it had frames. */
export function trapBacktraceText(e: unknown): string | undefined {
  return e instanceof RuntimeError ? backtraceText.get(e) : undefined;
}
