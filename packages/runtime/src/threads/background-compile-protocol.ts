// Messages between a thread that compiles asynchronously (background-compile.ts) and its
// compile worker (background-compile-worker.ts), and how errors cross between them.
import { CompileError } from '@wasmjit/codegen';
import type { CodeSettings } from '../module.js';

export interface CompileRequest {
  kind: 'compile';
  job: number;
  /** The registry id of the module bytes' snapshot (native/src/snapshot.c): read, not copied. */
  snapshot: string;
  settings: CodeSettings;
  parallelCompile: boolean | number | undefined;
}

/** The caller has adopted the job's code: the worker lets go of its registry entry. */
export interface ReleaseRequest {
  kind: 'release';
  job: number;
}

export type WorkerRequest = CompileRequest | ReleaseRequest;

/** The registry id of the compiled module (module-share.ts), or the compile's error. */
export type CompileReply = { job: number; id: string } | { job: number; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** A CompileError's own fields. */
  reason?: string;
  offset?: number;
  funcIndex?: number;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof CompileError) return { name: e.name, message: e.message, reason: e.reason, offset: e.offset, funcIndex: e.funcIndex };
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

const ERROR_CLASSES: Record<string, new (message: string) => Error> = { RangeError, TypeError, Error };

/**
 * The error the worker's compile threw, as this thread's class: a CompileError equal to the
 * one compiling here would have thrown (same reason, offset and function index, so the same
 * message); anything else (a BUG, an exhausted mapping) with its message and the worker's stack.
 */
export function deserializeError(s: SerializedError): Error {
  if (s.name === 'CompileError' && s.reason !== undefined) return new CompileError(s.reason, s.offset, s.funcIndex);
  const e = new (ERROR_CLASSES[s.name] ?? Error)(s.message);
  if (s.stack !== undefined) e.stack = `${s.stack}\n    (on the background compile worker)`;
  return e;
}
