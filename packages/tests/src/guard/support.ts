// Shared by the guard-region tests (and their worker / child-process entries): wat → bytes,
// engines of both modes, and the runtime internals they look at.
//
// @wasmjit/runtime only exports its public API, so internals come from its build output,
// as ../native/helpers.ts does.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Engine, type Instance } from '@wasmjit/runtime';
import { native } from '../../../runtime/dist/native.js';

export { native };

export const PAGE = 65536;

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
let wabt: Promise<Wabt> | undefined;

export async function wat(text: string): Promise<Uint8Array> {
  wabt ??= import('wabt').then((m) => m.default());
  const w = await wabt;
  const mod = w.parseWat('guard.wat', text, { bulk_memory: true });
  try {
    return new Uint8Array(mod.toBinary({ write_debug_names: true }).buffer);
  } finally {
    mod.destroy();
  }
}

export type Exports = Record<string, (...args: unknown[]) => unknown>;

export function instantiate(engine: Engine, bytes: Uint8Array, imports: Record<string, Record<string, unknown>> = {}): Instance {
  return engine.instantiate(engine.compile(bytes), imports);
}

/** A small seeded PRNG (mulberry32): the same accesses on every run. */
export { rng } from '../util/rng.js';

/** The `trap` of a wasmjit RuntimeError / the constructor name of anything else `f` throws. */
export function trapOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    const trap = (e as { trap?: unknown }).trap;
    return typeof trap === 'string' ? trap : `${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`;
  }
}

/** Runs dist/guard/<entry>.js in a fresh node with `args`; optional shell `ulimit -v KiB`. */
export function runChild(entry: string, args: string[] = [], opts: { ulimitKiB?: number } = {}): SpawnSyncReturns<string> {
  const file = fileURLToPath(new URL(`./${entry}`, import.meta.url));
  const spawnOpts = { encoding: 'utf8' as const, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 };
  if (opts.ulimitKiB === undefined) return spawnSync(process.execPath, [file, ...args], spawnOpts);
  // `ulimit -v` (RLIMIT_AS) through sh, then exec node, so the limit applies to node itself.
  const quoted = [process.execPath, file, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return spawnSync('/bin/sh', ['-c', `ulimit -v ${opts.ulimitKiB} && exec ${quoted}`], spawnOpts);
}

export const guardEngine = (): Engine => new Engine({ boundsChecks: 'guard' });
export const explicitEngine = (): Engine => new Engine({ boundsChecks: 'explicit' });

/** Byte-for-byte equality (index of the first difference, or -1). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
