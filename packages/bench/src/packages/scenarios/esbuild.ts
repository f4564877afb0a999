// esbuild-wasm (esbuild, Go): a large generated TypeScript file transformed and minified,
// and a bundle of generated modules served from memory by a plugin. In Node the package
// runs its wasm in a child `node` process (its service), which inherits the register hook
// through NODE_OPTIONS.
import { createRequire } from 'node:module';
import type * as Esbuild from 'esbuild-wasm';
import { moduleGraph, typescriptSource } from '../inputs.js';
import { scenario } from '../scenario.js';

const require = createRequire(import.meta.url);

export const UNITS = 400;
export const MODULES = 120;

export default scenario({
  name: 'esbuild-wasm',
  pkg: 'esbuild-wasm',
  what: `transform a ${UNITS}-unit TypeScript file with minify; bundle ${MODULES} generated modules through a plugin`,
  timed: true,
  async load() {
    const esbuild = require('esbuild-wasm') as typeof Esbuild;
    await esbuild.initialize({});
    // The service starts lazily: one trivial transform waits for its wasm to be ready.
    await esbuild.transform('', {});
    return esbuild;
  },
  async run(esbuild) {
    const transformed = await esbuild.transform(typescriptSource(2, UNITS), { loader: 'ts', target: 'es2018', minify: true, sourcefile: 'generated.ts' });
    const files = moduleGraph(3, MODULES);
    const bundle = await esbuild.build({
      stdin: { contents: "import { f0, name0 } from './m0'; console.log(name0, f0(12));", resolveDir: '/src', loader: 'ts', sourcefile: 'entry.ts' },
      bundle: true, write: false, format: 'esm', target: 'es2020', metafile: true,
      plugins: [{
        name: 'memory',
        setup(build) {
          build.onResolve({ filter: /^\.\/m\d+$/ }, (a) => ({ path: `/src/${a.path.slice(2)}.ts`, namespace: 'memory' }));
          build.onLoad({ filter: /.*/, namespace: 'memory' }, (a) => ({ contents: files.get(a.path)!, loader: 'ts' }));
        },
      }],
    });
    return {
      'transform.js': transformed.code,
      'bundle.js': bundle.outputFiles[0]!.text,
      'bundle-inputs.json': `${JSON.stringify(bundle.metafile.inputs, null, 1)}\n`,
      'warnings.json': JSON.stringify([...transformed.warnings, ...bundle.warnings]),
    };
  },
  async close(esbuild) {
    await esbuild.stop();
  },
});
