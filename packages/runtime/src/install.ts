// What @wasmjit/runtime/register (./register.ts) does when imported: register() makes
// wasmjit's WebAssembly namespace (./webassembly/) globalThis.WebAssembly, with an engine made
// from the WASMJIT_* variables below; register(options) installs it again with other engine
// options. Kept apart from register.ts so that the bundle (scripts/bundle.mjs) can hold these
// functions without installing anything on import.
//
// Engine options come from the environment when the module is imported:
//   WASMJIT_MAX_WASM_STACK      bytes of stack wasm may use (EngineOptions.maxWasmStack);
//                               a number of bytes, or with a k / m suffix (KiB, MiB)
//   WASMJIT_HOST_STACK_RESERVE  bytes kept free below wasm for native code (hostStackReserve)
//   WASMJIT_BOUNDS_CHECKS       guard | explicit (boundsChecks)
//   WASMJIT_PARALLEL_COMPILE    true | false | a thread count (parallelCompile)
//   WASMJIT_FEATURES            comma-separated Wasm 3.0 features, each on by default; -name turns
//                               one off: extended-const, tail-call, function-references,
//                               multi-memory, memory64, exceptions
//   WASMJIT_CACHE               persistent code cache (cache): 1 | true (the default directory),
//                               0 | false (off), or an absolute directory path
//   WASMJIT_CACHE_MAX_BYTES     bound on that directory (cacheMaxBytes); k / m / g suffixes
// An invalid value stops the program with an error naming the variable. Options passed to
// register() win over the environment.
import path from 'node:path';
import { Engine, type BoundsChecks, type EngineOptions } from './engine.js';
import { WebAssembly, setNamespaceEngine, type WebAssemblyNamespace } from './webassembly/index.js';
import { installModulePosting } from './webassembly/posting.js';
import { installNodeWasi } from './node-wasi.js';

export { WebAssembly };
export { encodeMessage, decodeMessage } from './webassembly/posting.js';

type Env = Record<string, string | undefined>;

function invalid(name: string, value: string, expected: string): never {
  throw new Error(`wasmjit: environment variable ${name}=${JSON.stringify(value)} is invalid: expected ${expected}`);
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

function bytes(name: string, value: string, suffixes = 'km'): number {
  const m = /^(\d+)([a-zA-Z]?)$/.exec(value.trim());
  const unit = m?.[2]!.toLowerCase() ?? '';
  if (!m || (unit !== '' && !suffixes.includes(unit))) {
    invalid(name, value, `a number of bytes, optionally with a ${[...suffixes].join(' or ')} suffix (${[...suffixes].map((u) => `${u.toUpperCase()}iB`).join(', ')})`);
  }
  const n = Number(m[1]) * UNITS[unit]!;
  if (!Number.isSafeInteger(n) || n <= 0) invalid(name, value, 'a positive number of bytes');
  return n;
}

const FEATURES: Record<string, keyof NonNullable<EngineOptions['features']>> = {
  'extended-const': 'extendedConst',
  'tail-call': 'tailCalls',
  'function-references': 'typedFunctionReferences',
  'multi-memory': 'multiMemory',
  memory64: 'memory64',
  exceptions: 'exceptions',
};

/** WASMJIT_CACHE: on (the default directory), off, or a directory, which must be absolute so
 * that child processes started elsewhere (NODE_OPTIONS carries the hook) share it. */
function cacheSetting(v: string): boolean | string {
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  if (!path.isAbsolute(v)) invalid('WASMJIT_CACHE', v, '"1", "true", "0", "false" or an absolute directory path');
  return v;
}

/** The engine options the WASMJIT_* variables of `env` ask for (see the file comment). */
export function optionsFromEnv(env: Env = process.env): EngineOptions {
  const options: EngineOptions = {};
  const get = (name: string) => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  let v: string | undefined;
  if ((v = get('WASMJIT_MAX_WASM_STACK')) !== undefined) options.maxWasmStack = bytes('WASMJIT_MAX_WASM_STACK', v);
  if ((v = get('WASMJIT_HOST_STACK_RESERVE')) !== undefined) options.hostStackReserve = bytes('WASMJIT_HOST_STACK_RESERVE', v);
  if ((v = get('WASMJIT_BOUNDS_CHECKS')) !== undefined) {
    if (v !== 'guard' && v !== 'explicit') invalid('WASMJIT_BOUNDS_CHECKS', v, '"guard" or "explicit"');
    options.boundsChecks = v as BoundsChecks;
  }
  if ((v = get('WASMJIT_PARALLEL_COMPILE')) !== undefined) {
    if (v === 'true' || v === 'false') options.parallelCompile = v === 'true';
    else if (/^\d+$/.test(v) && Number(v) >= 1) options.parallelCompile = Number(v);
    else invalid('WASMJIT_PARALLEL_COMPILE', v, '"true", "false" or a thread count');
  }
  if ((v = get('WASMJIT_FEATURES')) !== undefined) {
    const features: NonNullable<EngineOptions['features']> = {};
    // Features are on by default: `-name` turns one off.
    for (const f of v.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      const off = f.startsWith('-');
      const key = FEATURES[off ? f.slice(1) : f];
      if (key === undefined) invalid('WASMJIT_FEATURES', v, `a comma-separated list of (optionally -prefixed): ${Object.keys(FEATURES).join(', ')}`);
      features[key] = !off;
    }
    options.features = features;
  }
  if ((v = get('WASMJIT_CACHE')) !== undefined) options.cache = cacheSetting(v);
  if ((v = get('WASMJIT_CACHE_MAX_BYTES')) !== undefined) options.cacheMaxBytes = bytes('WASMJIT_CACHE_MAX_BYTES', v, 'kmg');
  return options;
}

/**
 * Makes wasmjit's WebAssembly namespace globalThis.WebAssembly (writable, configurable, not
 * enumerable, like the built-in), compiling with an engine made from `options` over the
 * WASMJIT_* variables. Modules compiled before keep their engine. Also makes modules
 * postable to other threads like the built-in's (./webassembly/posting.ts), and node:wasi
 * work with wasmjit's instances (./node-wasi.ts). Returns the namespace.
 */
export function register(options: EngineOptions = {}): WebAssemblyNamespace {
  setNamespaceEngine(new Engine({ ...optionsFromEnv(), ...options }));
  Object.defineProperty(globalThis, 'WebAssembly', { value: WebAssembly, writable: true, enumerable: false, configurable: true });
  installModulePosting();
  installNodeWasi();
  return WebAssembly;
}
