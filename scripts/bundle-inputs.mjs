// The hash that dist/wasmjit-bundle.json records of the bundle's inputs (scripts/bundle.mjs),
// recomputed by the test that checks the bundle is not older than dist/.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** SHA-256 over each input's path (relative to `root`) and contents, in the given order. */
export function inputsHash(root, files) {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f}\0`).update(readFileSync(path.join(root, f))).update('\0');
  return h.digest('hex');
}
