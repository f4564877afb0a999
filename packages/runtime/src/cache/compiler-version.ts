// Which compiler produced a serialized module (serialized-module.ts): a string that changes
// whenever the machine code for the same wasm and options could change.
//
// It is the runtime's package version plus a SHA-256 of every .js file of the code
// generator's dist (the compiler, its ABI and vmctx layout, the assembler): any rebuild with
// a change to the code generator gives another version, with nobody having to remember to
// bump a constant. The hash is computed once per process, on first use of the cache or
// serialize (reading ~0.5 MB: a few ms), never for a plain compile.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/** "wasmjit <runtime version> codegen <sha256 prefix>", e.g. "wasmjit 0.1.0 codegen 3fa4…". */
export function compilerVersion(): string {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const runtime = require('../../package.json') as { version: string };
  const codegenDist = dirname(require.resolve('@wasmjit/codegen'));
  cached = `wasmjit ${runtime.version} codegen ${hashTree(codegenDist).slice(0, 32)}`;
  return cached;
}

/** SHA-256 over the relative names and contents of the .js files under `root`, in name order. */
function hashTree(root: string): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(join(dir, e.name), r);
      else if (e.name.endsWith('.js')) files.push(r);
    }
  };
  walk(root, '');
  files.sort();
  for (const f of files) {
    const body = new Uint8Array(readFileSync(join(root, f)));
    hash.update(`${f}\0${body.length}\0`).update(body);
  }
  return hash.digest('hex');
}
