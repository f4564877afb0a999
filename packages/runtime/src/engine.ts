// Engine: configuration shared by the modules it compiles and the instances it creates.
import { Module, type WasmBytes } from './module.js';
import { Instance, type Imports } from './instance.js';

export type BoundsChecks = 'guard' | 'explicit';

export interface EngineOptions {
  /** Bytes of machine stack wasm may use per outermost entry (default 512 KiB). */
  maxWasmStack?: number;
  /** Bytes always left below the wasm limit for native code wasm calls (default 256 KiB). */
  hostStackReserve?: number;
  boundsChecks?: BoundsChecks;
}

export class Engine {
  readonly maxWasmStack: number;
  readonly hostStackReserve: number;
  readonly boundsChecks: BoundsChecks;

  constructor(options: EngineOptions = {}) {
    this.maxWasmStack = positive(options.maxWasmStack ?? 512 * 1024, 'maxWasmStack');
    this.hostStackReserve = positive(options.hostStackReserve ?? 256 * 1024, 'hostStackReserve');
    this.boundsChecks = options.boundsChecks ?? 'guard';
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
