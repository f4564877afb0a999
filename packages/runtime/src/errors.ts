// The engine's error classes, shaped like WebAssembly's.
import { TRAP_NAMES, type TrapCode } from '@wasmjit/codegen';
export { CompileError } from '@wasmjit/codegen';

export class LinkError extends Error {
  override name = 'LinkError';
}

export class RuntimeError extends Error {
  override name = 'RuntimeError';
  /** The trap code name, e.g. "stack_overflow", "unreachable", "integer_divide_by_zero". */
  readonly trap: string;
  constructor(trap: string, message?: string) {
    super(message ?? `wasm trap: ${trap}`);
    this.trap = trap;
  }
}

export function trapError(code: TrapCode): RuntimeError {
  return new RuntimeError(TRAP_NAMES[code] ?? `trap_${code}`);
}
