// WebAssembly.CompileError, LinkError and RuntimeError. LinkError and RuntimeError are the
// runtime's own classes (../errors.ts; a trap thrown deep in a call must be an instance of
// WebAssembly.RuntimeError). CompileError is a class of its own: the decoder's CompileError
// (codegen) takes (message, offset, funcIndex), so the namespace converts it where modules
// are compiled.
import { CompileError as DecodeError } from '@wasmjit/codegen';

export { LinkError, RuntimeError } from '../errors.js';

export class CompileError extends Error {
  // `...rest`: the constructor's length is 1, as for Error.
  constructor(message?: string, ...rest: [options?: ErrorOptions]) {
    super(message, rest[0]);
  }
}
Object.defineProperty(CompileError.prototype, 'name', { value: 'CompileError', writable: true, enumerable: false, configurable: true });
Object.defineProperty(CompileError.prototype, 'message', { value: '', writable: true, enumerable: false, configurable: true });

/** Runs `compile`; the decoder's CompileError comes out as WebAssembly.CompileError. */
export function asCompileError<T>(compile: () => T): T {
  try {
    return compile();
  } catch (e) {
    if (e instanceof DecodeError) throw new CompileError(e.message);
    throw e;
  }
}
