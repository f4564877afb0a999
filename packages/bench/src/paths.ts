// Where things are: the package's own files, the npm packages it benchmarks, the results.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/bench (this file is packages/bench/dist/paths.js once built). */
export const PACKAGE_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const REPO_ROOT = path.dirname(path.dirname(PACKAGE_DIR));
export const PROGRAMS_DIR = path.join(PACKAGE_DIR, 'programs', 'wasm');
export const WORKER = path.join(PACKAGE_DIR, 'dist', 'worker.js');
export const DEFAULT_RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');

const require = createRequire(path.join(PACKAGE_DIR, 'package.json'));

/** Directory of an installed devDependency (throws a readable error when it is missing). */
export function packageDir(name: string): string {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    // Some packages' "exports" hide package.json (sql.js, brotli-wasm): walk up from the entry.
  }
  try {
    for (let dir = path.dirname(require.resolve(name)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === name) return dir;
    }
  } catch {
    // not installed
  }
  throw new Error(`npm package ${name} is not installed: run \`pnpm install\` at the repository root`);
}

export function packageVersion(name: string): string {
  const pkg = JSON.parse(readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '?';
}

/** The file of an npm-shipped module and "package version" for reports; throws if the package is not installed. */
export function locateModule(m: { pkg: string; file: string }): { file: string; origin: string } {
  return { file: path.join(packageDir(m.pkg), m.file), origin: `${m.pkg} ${packageVersion(m.pkg)}` };
}
