// The compiler version string itself (compiler-version.ts explains it): the runtime package's
// version and a SHA-256 of every .js file of the code generator's dist. Apart from
// compiler-version.ts, which loads the add-on, so that scripts/bundle.mjs can compute it when
// it bundles those very files, and embed it in the bundle.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The code generator's dist directory and the runtime package's version. */
export function compilerSources(): { root: string; runtimeVersion: string } {
  const require = createRequire(import.meta.url);
  const runtime = require('../../package.json') as { version: string };
  return { root: dirname(require.resolve('@wasmjit/codegen')), runtimeVersion: runtime.version };
}

/** "wasmjit <runtime version> codegen <sha256 prefix>" of the files under `root` now. */
export function hashCompilerVersion(root: string, runtimeVersion: string): string {
  return `wasmjit ${runtimeVersion} codegen ${hashContents(root, jsFiles(root)).slice(0, 32)}`;
}

/** The .js files under `root`, as relative names in name order. */
export function jsFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(join(dir, e.name), r);
      else if (e.name.endsWith('.js')) files.push(r);
    }
  };
  walk(root, '');
  return files.sort();
}

/** SHA-256 over the names and contents of `files`. */
function hashContents(root: string, files: string[]): string {
  const hash = createHash('sha256');
  for (const f of files) {
    const body = new Uint8Array(readFileSync(join(root, f)));
    hash.update(`${f}\0${body.length}\0`).update(body);
  }
  return hash.digest('hex');
}
