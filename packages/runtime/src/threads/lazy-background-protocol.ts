// Messages between a thread with lazily compiled modules (lazy-background.ts) and its
// background compile worker (lazy-background-worker.ts).
import type { CodeChunk, DecodeOptions, ModuleCompileOptions } from '@wasmjit/codegen';
import type { SerializedError } from './background-compile-protocol.js';

export interface LazyJobRequest {
  kind: 'job';
  job: number;
  /** The module bytes' snapshot (native/src/snapshot.c), held by the sender until the job ends. */
  snapshot: string;
  features: DecodeOptions;
  options: ModuleCompileOptions;
  /** The signature ids the module's code uses (the sender's, so that the bytes are the same). */
  typeIds: number[];
  /** Chunk k covers functions ranges[2k] .. ranges[2k+1]-1, compiled in this order. */
  ranges: Int32Array;
  /** LazyCode.compiledFlags: functions already compiled (by first calls) are skipped. */
  compiled: Uint8Array;
}

/** The sender no longer wants the job's chunks (its module is gone). */
export interface LazyCancelRequest {
  kind: 'cancel';
  job: number;
}

/** Validate a module's bytes (compileAsync of a lazy engine): the answer is a LazyValidated. */
export interface LazyValidateRequest {
  kind: 'validate';
  job: number;
  snapshot: string;
  features: DecodeOptions;
}

export type LazyRequest = LazyJobRequest | LazyCancelRequest | LazyValidateRequest;

export type LazyReply =
  | { job: number; chunk: CodeChunk; ms: number }
  | { job: number; done: true }
  | { job: number; error: string }
  | { job: number; validated: true }
  | { job: number; invalid: SerializedError };
