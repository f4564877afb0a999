// Saving what a fuzz run found, so that every finding can be re-run by hand.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Finding {
  /** `<fuzzer>-<seed>-<index>`: the case is reproduced by the same seed and index. */
  id: string;
  what: string;
  detail?: string;
  bytes?: Uint8Array;
}

/** Writes `<id>.wasm` and `<id>.txt` into dir; returns the .wasm path. */
export function saveFinding(dir: string, f: Finding): string {
  mkdirSync(dir, { recursive: true });
  const wasm = join(dir, `${f.id}.wasm`);
  if (f.bytes) writeFileSync(wasm, f.bytes);
  writeFileSync(join(dir, `${f.id}.txt`), `${f.what}\n\n${f.detail ?? ''}\n`);
  return wasm;
}

export function formatMs(ms: number): string {
  return ms < 10_000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
