// @swc/wasm (swc, Rust, wasm-bindgen): a large generated TypeScript file transformed to
// ES2015 CommonJS with a source map, then minified.
import { createRequire } from 'node:module';
import type * as Swc from '@swc/wasm';
import { typescriptSource } from '../inputs.js';
import { scenario } from '../scenario.js';

const require = createRequire(import.meta.url);

export const UNITS = 400;

export default scenario({
  name: '@swc/wasm',
  pkg: '@swc/wasm',
  what: `transform a ${UNITS}-unit TypeScript file (~${Math.round(typescriptSource(1, UNITS).length / 1024)} KiB) to ES2015 with a source map, minify`,
  timed: true,
  async load() {
    // The package's Node build compiles and instantiates its wasm when required.
    return require('@swc/wasm') as typeof Swc;
  },
  async run(swc) {
    const source = typescriptSource(1, UNITS);
    const out = swc.transformSync(source, {
      filename: 'generated.ts',
      sourceMaps: true,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2015' },
      module: { type: 'commonjs' },
    });
    const min = swc.minifySync(out.code, { compress: { passes: 2 }, mangle: true });
    return { 'transform.js': out.code, 'transform.js.map': out.map ?? '', 'minify.js': min.code };
  },
});
