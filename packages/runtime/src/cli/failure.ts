// How the CLI reports an exception: one `error:` line (plus the wasm backtrace for a trap)
// on stderr, and the exit status. Traps follow wasmtime: `error: wasm trap: <code>`, 134.
import { CompileError } from '@wasmjit/codegen';
import { LinkError, RuntimeError, trapBacktraceText } from '../errors.js';
import { WasiExit } from '../wasi/wasi.js';
import { UsageError } from './args.js';
import { CliError } from './load.js';
import { Exit, err } from './io.js';

// V8's trap messages, by our trap names (for `--engine v8`).
const V8_TRAPS: [RegExp, string][] = [
  [/^unreachable/, 'unreachable'],
  [/divide by zero|remainder by zero/, 'integer_divide_by_zero'],
  [/integer overflow|divide result unrepresentable/, 'integer_overflow'],
  [/float unrepresentable|convert/, 'bad_conversion_to_integer'],
  [/memory access out of bounds/, 'out_of_bounds_memory'],
  [/table index is out of bounds|table access/, 'out_of_bounds_table'],
  [/null function|uninitialized element/, 'uninitialized_element'],
  [/signature mismatch|function signature/, 'bad_signature'],
];

function v8TrapName(message: string): string {
  return V8_TRAPS.find(([re]) => re.test(message))?.[1] ?? message;
}

/** Prints `e` and returns the exit status it stands for. */
export function reportFailure(e: unknown, command: string): number {
  if (e instanceof WasiExit) return e.code;
  if (e instanceof UsageError) {
    err(`error: ${e.message}\nsee: wasmjit ${command} --help\n`);
    return Exit.Usage;
  }
  if (e instanceof RuntimeError) {
    // "wasm trap: <code>", then the backtrace lines, innermost first. (The message is V8's
    // text for the trap; a RuntimeError made by JS code has no code and is shown as it is.)
    if (e.trap === '') err(`error: ${e.message}\n`);
    else err(`error: wasm trap: ${e.trap}\n${trapBacktraceText(e)?.concat('\n') ?? ''}`);
    return Exit.Trap;
  }
  if (e instanceof WebAssembly.RuntimeError) {
    err(`error: wasm trap: ${v8TrapName(e.message)}\n`);
    return Exit.Trap;
  }
  if (e instanceof RangeError && /call stack/.test(e.message)) {
    err('error: wasm trap: stack_overflow\n');
    return Exit.Trap;
  }
  if (e instanceof CompileError || e instanceof WebAssembly.CompileError) {
    err(`error: invalid module: ${e.message}\n`);
    return Exit.Error;
  }
  if (e instanceof LinkError || e instanceof WebAssembly.LinkError) {
    err(`error: cannot instantiate: ${e.message}\n`);
    return Exit.Error;
  }
  if (e instanceof CliError) {
    err(`error: ${e.message}\n`);
    return Exit.Error;
  }
  // Anything else is a bug (ours, or a JS import's): keep the stack.
  err(`error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  return Exit.Error;
}
