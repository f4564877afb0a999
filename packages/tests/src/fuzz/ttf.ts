// Random valid modules from binaryen's translate-to-fuzz (`wasm-opt -ttf`), using the
// wasm-opt that the `binaryen` npm package ships: an Emscripten build that runs on Node, so
// a fresh `pnpm install` is all CI needs. Spawning it costs ~0.7 s per module (it compiles a
// 10 MB wasm each time), so it is loaded once into this process: the script is wrapped in a
// function and re-run per module, with Emscripten's `instantiateWasm` hook handing it the
// already compiled WebAssembly.Module. Its files go through NODERAWFS, i.e. real files.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Wasm 2.0 without SIMD (the text round trip's modules: wabt's printer test runs without it). */
export const TTF_FEATURES = [
  '--mvp-features', '--enable-sign-ext', '--enable-mutable-globals', '--enable-nontrapping-float-to-int',
  '--enable-bulk-memory', '--enable-bulk-memory-opt', '--enable-multivalue', '--enable-reference-types',
];
/** All of Wasm 2.0, SIMD included: the differential fuzzer's modules (pass as extraArgs). */
export const TTF_SIMD = ['--enable-simd'];
/** Wasm 3.0 features wasmjit implements: tail calls and extended constant expressions. */
export const TTF_WASM3 = ['--enable-tail-call', '--enable-extended-const'];
/** The threads proposal's atomics (its memory comes out shared: see unshare-memory.ts). */
export const TTF_THREADS = ['--enable-threads'];
/** Exception handling: binaryen then emits both encodings (legacy-eh.ts splits them). */
export const TTF_EH = ['--enable-exception-handling'];

type Factory = (module: Record<string, unknown>, req: NodeJS.Require, filename: string, dirname: string, wasm: typeof WebAssembly) => void;

let factory: Factory | undefined;
let scriptPath = '';
let compiled: WebAssembly.Module | undefined;
let workDir: string | undefined;

const require = createRequire(import.meta.url);

/** Path of the wasm-opt script in the installed binaryen package. */
export function wasmOptPath(): string {
  return join(dirname(require.resolve('binaryen/package.json')), 'bin', 'wasm-opt');
}

function load(): Factory {
  if (factory) return factory;
  scriptPath = wasmOptPath();
  let src = readFileSync(scriptPath, 'utf8');
  if (src.startsWith('#!')) src = `//${src.slice(2)}`;
  factory = new Function('Module', 'require', '__filename', '__dirname', 'WebAssembly', src) as Factory;
  return factory;
}

/** The first run compiles the tool's wasm; later runs reuse it through this shim. */
const capturing: typeof WebAssembly = Object.assign(Object.create(WebAssembly) as typeof WebAssembly, {
  instantiate: async (bin: BufferSource, imports: WebAssembly.Imports) => {
    compiled ??= await WebAssembly.compile(bin);
    return { module: compiled, instance: await WebAssembly.instantiate(compiled, imports) };
  },
});

/** Runs wasm-opt with `args` in this process; resolves with what it printed. */
export function runWasmOpt(args: string[]): Promise<string> {
  const run = load();
  return new Promise((resolve, reject) => {
    const out: string[] = [];
    const exitCode = process.exitCode;
    const Module: Record<string, unknown> = {
      arguments: args,
      print: (s: string) => out.push(s),
      printErr: (s: string) => out.push(s),
      postRun: [() => {
        process.exitCode = exitCode; // Emscripten's exit() sets it
        resolve(out.join('\n'));
      }],
      onAbort: (what: unknown) => reject(new Error(`wasm-opt aborted: ${String(what)}\n${out.join('\n')}`)),
    };
    if (compiled) {
      const mod = compiled;
      Module.instantiateWasm = (imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) => {
        WebAssembly.instantiate(mod, imports).then(done, reject);
        return {};
      };
    }
    try {
      run(Module, require, scriptPath, dirname(scriptPath), capturing);
    } catch (e) {
      process.exitCode = exitCode;
      reject(e);
    }
  });
}

/** A valid module made by translate-to-fuzz from `entropy` (deterministic for given bytes). */
export async function ttfModule(entropy: Uint8Array, extraArgs: string[] = []): Promise<Uint8Array> {
  workDir ??= mkdtempSync(join(tmpdir(), 'wasmjit-ttf-'));
  const input = join(workDir, `in-${process.pid}.bin`);
  const output = join(workDir, `out-${process.pid}.wasm`);
  writeFileSync(input, entropy);
  rmSync(output, { force: true });
  const printed = await runWasmOpt([input, '-ttf', '-q', ...TTF_FEATURES, ...extraArgs, '-o', output]);
  try {
    return new Uint8Array(readFileSync(output));
  } catch {
    throw new Error(`wasm-opt -ttf wrote no module:\n${printed}`);
  }
}

/**
 * The module instrumented by binaryen's --denan pass: every NaN a float operation produces
 * becomes 0. Used to tell NaN-payload nondeterminism (allowed) from real differences.
 */
export async function denanModule(bytes: Uint8Array): Promise<Uint8Array> {
  workDir ??= mkdtempSync(join(tmpdir(), 'wasmjit-ttf-'));
  const input = join(workDir, `dn-in-${process.pid}.wasm`);
  const output = join(workDir, `dn-out-${process.pid}.wasm`);
  writeFileSync(input, bytes);
  rmSync(output, { force: true });
  const printed = await runWasmOpt([input, '--denan', '-q', ...TTF_FEATURES, ...TTF_SIMD, ...TTF_THREADS, ...TTF_WASM3, ...TTF_EH, '-o', output]);
  try {
    return new Uint8Array(readFileSync(output));
  } catch {
    throw new Error(`wasm-opt --denan wrote no module:\n${printed}`);
  }
}

/** Removes this process's scratch directory. */
export function cleanupTtf(): void {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  workDir = undefined;
}
