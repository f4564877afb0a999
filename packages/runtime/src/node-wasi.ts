// node:wasi under the register hook. Node's WASI hands the instance's memory to C++ that
// accepts only V8's own WebAssembly.Memory ("instance.exports.memory property must be a
// WebAssembly.Memory object"), so a program that runs a WASI module with node:wasi (ruby.wasm's
// @ruby/wasm-wasi, for one) failed under the hook. The hook makes node:wasi's WASI this class:
// Node's constructor checks and API over wasmjit's preview1 implementation (./wasi/), which
// works with wasmjit's memories and V8's alike. Version 'unstable' (the older ABI, which
// wasmjit does not implement) stays Node's own.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { WASI as WasmjitWASI, type InstanceLike, type WasiImport } from './wasi/wasi.js';

const require = createRequire(import.meta.url);

type NodeWasiClass = new (options?: object) => object;

const EXPERIMENTAL = 'WASI is an experimental feature and might change at any time';

/** A Node-style argument error: its class, `code` and message, as node:wasi's checks give them. */
function argError(Kind: ErrorConstructor, code: string, message: string): Error {
  const e = new Kind(message) as Error & { code: string };
  e.code = code;
  return e;
}

function received(v: unknown): string {
  if (v === undefined || v === null) return `Received ${v}`;
  if (typeof v === 'function') return `Received function ${(v as { name?: string }).name || '<anonymous>'}`;
  if (typeof v === 'object') return `Received an instance of ${(v as object).constructor?.name ?? 'Object'}`;
  const shown = typeof v === 'string' ? `'${v}'` : String(v);
  return `Received type ${typeof v} (${shown})`;
}

function mustBe(name: string, what: string, v: unknown): never {
  const kind = name.includes('.') ? 'property' : 'argument';
  throw argError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "${name}" ${kind} must be ${what}. ${received(v)}`);
}

function checkObject(name: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) mustBe(name, 'of type object', v);
  return v as Record<string, unknown>;
}

function checkFd(name: string, v: unknown): number {
  if (typeof v !== 'number') mustBe(name, 'of type number', v);
  if (!Number.isInteger(v)) throw argError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be an integer. Received ${v}`);
  if (v < 0 || v > 2 ** 31 - 1) throw argError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be >= 0 && <= 2147483647. Received ${v}`);
  return v;
}

let warned = false;

/** Node's warning for using WASI, once per process as Node gives it (see installNodeWasi). */
function warnOnce(): void {
  if (warned) return;
  warned = true;
  process.emitWarning(EXPERIMENTAL, 'ExperimentalWarning');
}

/**
 * node:wasi's WASI class over `Original` (Node's), for the hook: same options and checks, same
 * methods (start, initialize, getImportObject) and `wasiImport`; preview1 runs on wasmjit's WASI.
 */
function hookWasiClass(Original: NodeWasiClass): NodeWasiClass {
  const impl = new WeakMap<object, WasmjitWASI>();
  class WASI {
    wasiImport!: WasiImport;

    constructor(options: unknown = {}) {
      warnOnce();
      const o = checkObject('options', options);
      if (typeof o.version !== 'string') mustBe('options.version', 'of type string', o.version);
      if (o.version === 'unstable') return new Original(o) as WASI;
      if (o.version !== 'preview1') {
        throw argError(TypeError, 'ERR_INVALID_ARG_VALUE', `The property 'options.version' unsupported WASI version. Received '${o.version}'`);
      }
      if (o.args !== undefined && !Array.isArray(o.args)) mustBe('options.args', 'an instance of Array', o.args);
      const args = ((o.args as unknown[] | undefined) ?? []).map(String);
      const env: Record<string, string> = {};
      if (o.env !== undefined) {
        for (const [k, v] of Object.entries(checkObject('options.env', o.env))) if (v !== undefined) env[k] = String(v);
      }
      const preopens: Record<string, string> = {};
      if (o.preopens !== undefined) {
        for (const [k, v] of Object.entries(checkObject('options.preopens', o.preopens))) preopens[String(k)] = String(v);
      }
      const stdin = checkFd('options.stdin', o.stdin ?? 0);
      const stdout = checkFd('options.stdout', o.stdout ?? 1);
      const stderr = checkFd('options.stderr', o.stderr ?? 2);
      if (o.returnOnExit !== undefined && typeof o.returnOnExit !== 'boolean') mustBe('options.returnOnExit', 'of type boolean', o.returnOnExit);
      const wasi = new WasmjitWASI({ version: 'preview1', args, env, preopens, stdin, stdout, stderr, returnOnExit: o.returnOnExit !== false });
      impl.set(this, wasi);
      this.wasiImport = wasi.wasiImport;
    }

    start(instance: unknown): number {
      const i = checkInstance(this, instance);
      if (typeof i.exports._start !== 'function') mustBe('instance.exports._start', 'of type function', i.exports._start);
      if (i.exports._initialize !== undefined) mustBe('instance.exports._initialize', 'undefined', i.exports._initialize);
      return self(this).start(i);
    }

    initialize(instance: unknown): void {
      const i = checkInstance(this, instance);
      if (i.exports._start !== undefined) mustBe('instance.exports._start', 'undefined', i.exports._start);
      const init = i.exports._initialize;
      if (init !== undefined && typeof init !== 'function') mustBe('instance.exports._initialize', 'of type function', init);
      self(this).initialize(i);
    }

    getImportObject(): { wasi_snapshot_preview1: WasiImport } {
      return { wasi_snapshot_preview1: self(this).wasiImport };
    }
  }
  const self = (w: object): WasmjitWASI => {
    const wasi = impl.get(w);
    if (wasi === undefined) throw new TypeError('Illegal invocation');
    return wasi;
  };
  // As in Node, a start() or initialize() that fails its checks still counts as the one start.
  const started = new WeakSet<object>();
  const checkInstance = (w: object, instance: unknown): InstanceLike => {
    self(w);
    if (started.has(w)) throw argError(Error, 'ERR_WASI_ALREADY_STARTED', 'WASI instance has already started');
    started.add(w);
    const i = checkObject('instance', instance);
    const exports = checkObject('instance.exports', i.exports);
    if (!(exports.memory instanceof globalThis.WebAssembly.Memory)) {
      throw argError(TypeError, 'ERR_INVALID_ARG_TYPE', '"instance.exports.memory" property must be a WebAssembly.Memory object');
    }
    return i as unknown as InstanceLike;
  };
  Object.defineProperty(WASI, 'name', { value: 'WASI' });
  return WASI as unknown as NodeWasiClass;
}

let installed = false;

/**
 * Makes node:wasi's WASI (require('node:wasi') and `import { WASI } from 'node:wasi'` alike)
 * the hook's class. Loading node:wasi makes Node warn that WASI is experimental; that warning
 * is held back here and given when a program first creates a WASI instead, so that the hook
 * alone prints nothing.
 */
export function installNodeWasi(): void {
  if (installed) return;
  installed = true;
  const emitWarning = process.emitWarning;
  let mod: { WASI: NodeWasiClass };
  // Not held: node:wasi was loaded (and Node warned) before the hook was installed.
  let held = false;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning?.message;
    if (text === EXPERIMENTAL) {
      held = true;
      return;
    }
    return (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    mod = require('node:wasi') as { WASI: NodeWasiClass };
  } finally {
    process.emitWarning = emitWarning;
  }
  warned = !held;
  mod.WASI = hookWasiClass(mod.WASI);
  syncBuiltinESMExports();
}
