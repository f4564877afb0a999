// Running the `wasmjit` CLI (and the node:wasi reference) as subprocesses, and the paths of
// the committed WASI test programs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, lstatSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wat } from '../util/wat.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The built CLI entry point (packages/runtime/dist/cli/main.js). */
export const CLI = path.resolve(here, '../../../runtime/dist/cli/main.js');
/** node:wasi runner with the same command-line shape (dist/wasi/node-wasi-run.js). */
export const NODE_WASI = path.resolve(here, '../wasi/node-wasi-run.js');
/** The register hook's module (packages/runtime/dist/register.js). */
export const REGISTER = path.resolve(here, '../../../runtime/dist/register.js');
/** packages/tests/fixtures/wasi: C sources, their .wasm, build.sh. */
export const WASI_FIXTURES = path.resolve(here, '../../fixtures/wasi');

export function fixture(name: string): string {
  return path.join(WASI_FIXTURES, `${name}.wasm`);
}

export interface Result {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  input?: string;
  env?: NodeJS.ProcessEnv;
}

function spawn(args: string[], o: RunOptions): Result {
  const r = spawnSync(process.execPath, args, {
    cwd: o.cwd, input: o.input ?? '', env: o.env ?? process.env, encoding: 'utf8', timeout: 120_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** `wasmjit ARGS...` */
export function wasmjit(args: string[], o: RunOptions = {}): Result {
  return spawn([CLI, ...args], o);
}

/** The same program under node:wasi (V8). */
export function nodeWasi(args: string[], o: RunOptions = {}): Result {
  return spawn(['--no-warnings', NODE_WASI, ...args], o);
}

/** The node:wasi runner under the register hook (wasmjit's namespace and node:wasi). */
export function nodeWasiHooked(args: string[], o: RunOptions = {}): Result {
  return spawn(['--no-warnings', '--import', REGISTER, NODE_WASI, ...args], o);
}

export function tempDir(prefix = 'wasmjit-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A wat module written to a temp file; returns its path. */
export async function watFile(text: string, name = 'test.wasm'): Promise<string> {
  const file = path.join(tempDir(), name);
  writeFileSync(file, await wat(text));
  return file;
}

/** Everything under `dir`: relative path → file contents (hex), 'dir', or 'link -> target'. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = path.join(rel, name);
      const st = lstatSync(path.join(dir, r));
      if (st.isSymbolicLink()) out[r] = `link -> ${readlinkSync(path.join(dir, r))}`;
      else if (st.isDirectory()) {
        out[r] = 'dir';
        walk(r);
      } else out[r] = readFileSync(path.join(dir, r)).toString('hex');
    }
  };
  walk('');
  return out;
}
