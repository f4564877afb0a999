// Bundles @wasmjit/runtime's public entry points into one ES module (`pnpm build` runs this
// after tsc): dist/wasmjit-bundle.js, with thin entry files in dist/entry/ that package.json's
// publishConfig "exports" point at, and the `wasmjit` command as dist/wasmjit-cli.js (its
// publishConfig "bin"; esbuild keeps main.js's #! line). The workspace itself keeps using the
// unbundled files (package.json "exports"); pnpm pack swaps in publishConfig.
//
// Why: importing the unbundled runtime loads ~180 ES modules (runtime, codegen), and Node 20's
// ESM loader costs about 1-2 ms per module, so `node --import @wasmjit/runtime/register` added
// ~0.2-0.4 s to every process start before any wasm was compiled; one bundle of the same code
// loads in a fraction of that (docs/startup.md, "Loading wasmjit itself").
//
// One bundle for all entry points, so that a program that imports both the register hook and
// '@wasmjit/runtime' gets one copy of every class, registry and add-on state (the hook's
// WebAssembly is the one '@wasmjit/runtime/webassembly' exports). The code is the tsc output of
// dist/, unchanged but for `import.meta.url`, which each file uses to find files beside it
// (worker scripts, package.json, the add-on): in the bundle every occurrence is rewritten to
// the URL the file had before bundling, found through the package that holds it.
//
// The repository's own tests import dist/ files directly beside the entry points, which is
// why the workspace resolves the entry points to the unbundled files: with the bundle they
// would get second copies of the classes.
// dist/wasmjit-bundle.json records the inputs and their hash: a test (pack/bundle.test.ts)
// fails when the bundle is older than what dist/ holds now.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inputsHash } from './bundle-inputs.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const runtimeDir = path.join(root, 'packages', 'runtime');
const dist = path.join(runtimeDir, 'dist');
const BUNDLE = 'wasmjit-bundle.js';
const CLI_BUNDLE = 'wasmjit-cli.js';

/** Public entry points: the name in the bundle's namespace, the unbundled module, the entry file. */
const ENTRIES = [
  { key: 'index', source: 'index.js', entry: 'entry/index.js' },
  { key: 'webassembly', source: 'webassembly/index.js', entry: 'entry/webassembly.js' },
  { key: 'install', source: 'install.js', entry: 'entry/register.js', install: true },
  { key: 'wast', source: 'wast/index.js', entry: 'entry/wast.js' },
];

// The code cache's compiler version (runtime cache/compiler-version.ts) of the code generator
// files bundled now, embedded so that a start need not hash or stat them.
const { compilerSources, hashCompilerVersion } = await import(pathToFileURL(path.join(dist, 'cache', 'compiler-hash.js')).href);
const sources = compilerSources();
const compilerVersion = hashCompilerVersion(sources.root, sources.runtimeVersion);

const esbuild = await import(createRequire(path.join(root, 'package.json')).resolve('esbuild-wasm'));

/** The package (name, root directory) that holds `file`. */
function owningPackage(file) {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (typeof pkg.name === 'string') return { name: pkg.name, dir };
    } catch { /* no package.json here */ }
  }
  throw new Error(`bundle: no package.json above ${file}`);
}

const posix = (p) => p.split(path.sep).join('/');

/**
 * Worker scripts found while bundling (`new URL('./NAME-worker.js', import.meta.url)` in any
 * file): each is bundled too, as dist/workers/NAME-worker.js, and the `new URL` points there,
 * so a worker thread loads one module instead of its ~100 (~50 ms less per worker start).
 * Their names must be unique across packages. NAME → the unbundled worker file.
 */
const workers = new Map();
const WORKER_URL = /new URL\((['"])\.\/([\w-]+-worker\.js)\1, import\.meta\.url\)/g;
const BUNDLE_URL = '__WASMJIT_OWN_URL__';

/**
 * esbuild plugin for a bundle written into `outDir`: each file's `import.meta.url` becomes the
 * URL the file had unbundled, and its worker URLs lead to the bundled workers.
 */
function fileUrls(outDir) {
  return {
    name: 'wasmjit-file-urls',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, (args) => {
        let text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return { contents: text, loader: 'js' };
        text = text.replace(WORKER_URL, (_, _q, name) => {
          const file = path.join(path.dirname(args.path), name);
          if (workers.has(name) && workers.get(name) !== file) throw new Error(`bundle: two workers named ${name}`);
          workers.set(name, file);
          return `new URL(${JSON.stringify(posix(path.relative(outDir, path.join(dist, 'workers', name))))}, ${BUNDLE_URL})`;
        });
        const pkg = owningPackage(args.path);
        const url = pkg.name === '@wasmjit/runtime'
          ? `new URL(${JSON.stringify(posix(path.relative(outDir, args.path)))}, import.meta.url).href`
          : `__wasmjitFileUrl(${JSON.stringify(pkg.name)}, ${JSON.stringify(posix(path.relative(pkg.dir, args.path)))})`;
        return { contents: text.replaceAll('import.meta.url', url).replaceAll(BUNDLE_URL, 'import.meta.url'), loader: 'js' };
      });
    },
  };
}

// Files of other packages are found through Node's resolution from the bundle, as their
// `import` statements found them before.
const banner = `// Generated by scripts/bundle.mjs from dist/ (see there); do not edit.
import { createRequire as __wasmjitCreateRequire } from 'node:module';
import { dirname as __wasmjitDirname, join as __wasmjitJoin } from 'node:path';
import { pathToFileURL as __wasmjitPathToFileURL } from 'node:url';
const __wasmjitFileUrl = (pkg, rel) => __wasmjitPathToFileURL(__wasmjitJoin(__wasmjitDirname(__wasmjitCreateRequire(import.meta.url).resolve(pkg + '/package.json')), rel)).href;`;

/** Bundles into `outfile` (within dist/); returns esbuild's metafile. */
async function bundle(outfile, entry) {
  const result = await esbuild.build({
    ...entry,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    keepNames: true, // error classes and wrappers keep their .name
    define: { __WASMJIT_COMPILER_VERSION__: JSON.stringify(compilerVersion) },
    external: ['@wasmjit/native'],
    banner: { js: banner },
    outfile,
    metafile: true,
    logLevel: 'warning',
    plugins: [fileUrls(path.dirname(outfile))],
  });
  return result.metafile;
}

const metafiles = [];
metafiles.push(await bundle(path.join(dist, BUNDLE), {
  stdin: {
    contents: ENTRIES.map((e) => `export * as ${e.key} from './${e.source}';`).join('\n'),
    resolveDir: dist,
    sourcefile: 'wasmjit-bundle-entry.js',
    loader: 'js',
  },
}));
// The `wasmjit` command (publishConfig.bin): a process of its own, so a bundle of its own.
metafiles.push(await bundle(path.join(dist, CLI_BUNDLE), { entryPoints: [path.join(dist, 'cli', 'main.js')] }));
rmSync(path.join(dist, 'workers'), { recursive: true, force: true });
const workersDone = new Set();
for (let more = true; more;) { // a worker may name another worker
  more = false;
  for (const [name, file] of [...workers]) {
    if (workersDone.has(name)) continue;
    workersDone.add(name);
    more = true;
    metafiles.push(await bundle(path.join(dist, 'workers', name), { entryPoints: [file] }));
  }
}
await esbuild.stop?.();

// The inputs, as paths relative to the repository, and one hash of their contents.
const inputs = [...new Set(metafiles.flatMap((m) => Object.keys(m.inputs)))]
  .filter((f) => !f.startsWith('<stdin>') && !f.endsWith('wasmjit-bundle-entry.js'))
  .map((f) => posix(path.relative(root, path.resolve(f))))
  .sort();
writeFileSync(path.join(dist, 'wasmjit-bundle.json'), `${JSON.stringify({ inputs, sha256: inputsHash(root, inputs) }, null, 1)}\n`);

// The entry files re-export each namespace's names (read off the unbundled modules).
mkdirSync(path.join(dist, 'entry'), { recursive: true });
for (const e of ENTRIES) {
  const names = Object.keys(await import(pathToFileURL(path.join(dist, e.source)).href)).sort();
  const plain = names.filter((n) => n !== 'default');
  const lines = [
    `// Generated by scripts/bundle.mjs: the names of ${e.source}, from the bundle.`,
    `import { ${e.key} as m } from '../${BUNDLE}';`,
  ];
  if (e.install) lines.push('m.register();');
  if (plain.length > 0) lines.push(`export const { ${plain.join(', ')} } = m;`);
  if (names.includes('default')) lines.push('export default m.default;');
  writeFileSync(path.join(dist, e.entry), `${lines.join('\n')}\n`);
}
chmodSync(path.join(dist, CLI_BUNDLE), 0o755);
console.log(`bundle: dist/${BUNDLE} (${ENTRIES.length} entry points), dist/${CLI_BUNDLE}, ${workers.size} workers in dist/workers/, from ${inputs.length} modules`);
