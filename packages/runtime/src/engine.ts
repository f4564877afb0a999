// Engine: configuration shared by the modules it compiles and the instances it creates.
import type { DecodeOptions } from '@wasmjit/codegen';
import { Module, type WasmBytes } from './module.js';
import { Instance, type Imports } from './instance.js';

export type BoundsChecks = 'guard' | 'explicit';

export interface EngineOptions {
  /**
   * Bytes of machine stack wasm may use, counted from where the outermost JS→wasm call on a
   * thread enters (default 512 KiB). Nested entries (wasm → JS import → wasm) share it. The
   * limit is never placed closer than `hostStackReserve` to the thread's real stack bottom;
   * if that leaves no room at all, the call traps `stack_overflow` without running.
   * It is not clamped to V8's own JS stack limit: with a value larger than the JS stack that
   * is left (Node's --stack-size, ~984 KB on the main thread), a JS import called from deep
   * wasm gets V8's RangeError, which propagates through the wasm frames to the caller like
   * any exception from an import. See docs/stack.md.
   */
  maxWasmStack?: number;
  /**
   * Bytes always left below the wasm limit for native code that wasm calls: host-call glue,
   * N-API and V8 entering a JS import, runtime helpers, the trap unwinder (default 256 KiB,
   * far more than those use; see docs/stack.md).
   */
  hostStackReserve?: number;
  boundsChecks?: BoundsChecks;
  /** Proposals beyond Wasm 2.0 to accept (off by default), e.g. { extendedConst: true }. */
  features?: DecodeOptions;
  /**
   * @internal Measurement only (bench/stack-check.ts): `false` compiles functions without
   * the prologue stack check, so that its cost can be measured. Unbounded recursion then
   * crashes the process instead of trapping. Never turn it off for real use.
   */
  stackChecks?: boolean;
}

export class Engine {
  readonly maxWasmStack: number;
  readonly hostStackReserve: number;
  readonly boundsChecks: BoundsChecks;
  readonly features: DecodeOptions;
  /** @internal See EngineOptions.stackChecks (measurement only). */
  readonly stackChecks: boolean;

  constructor(options: EngineOptions = {}) {
    this.maxWasmStack = positive(options.maxWasmStack ?? 512 * 1024, 'maxWasmStack');
    this.hostStackReserve = positive(options.hostStackReserve ?? 256 * 1024, 'hostStackReserve');
    this.boundsChecks = options.boundsChecks ?? 'guard';
    this.features = { ...options.features };
    this.stackChecks = options.stackChecks ?? true;
  }

  compile(bytes: WasmBytes): Module {
    return new Module(bytes, this);
  }

  instantiate(module: Module, imports: Imports = {}): Instance {
    return new Instance(module, imports, this);
  }
}

function positive(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`${what} must be a positive integer number of bytes`);
  return n;
}

let defaultEngine: Engine | undefined;
export function getDefaultEngine(): Engine {
  return (defaultEngine ??= new Engine());
}
