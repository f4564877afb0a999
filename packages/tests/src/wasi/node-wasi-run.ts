// The reference for the WASI tests: runs a command under Node's own node:wasi (on V8) with
// the same command line shape as `wasmjit run`: [--dir HOST::GUEST]... [--env K=V]...
// module.wasm [args...]. Exits with the program's exit code.
// Run with `node --no-warnings` to silence node:wasi's experimental warning.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const argv = process.argv.slice(2);
const preopens: Record<string, string> = {};
const env: Record<string, string> = {};
while (argv[0]?.startsWith('--')) {
  const opt = argv.shift()!;
  const value = argv.shift() ?? '';
  if (opt === '--dir') {
    const [host, guest] = value.split('::') as [string, string | undefined];
    preopens[guest ?? host] = host;
  } else if (opt === '--env') {
    const eq = value.indexOf('=');
    env[value.slice(0, eq)] = value.slice(eq + 1);
  } else {
    throw new Error(`node-wasi-run: unknown option ${opt}`);
  }
}
const [file, ...args] = argv;
if (!file) throw new Error('node-wasi-run: missing module');
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env, preopens, returnOnExit: true });
const module = new WebAssembly.Module(new Uint8Array(readFileSync(file)));
const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport } as WebAssembly.Imports);
process.exitCode = wasi.start(instance);
