// Parallel compilation (codegen lower/parallel-compile.ts) must not change a single byte:
// the code, function offsets, offset map and comments of a compile on worker threads equal
// those of the sequential compile, for modules of one chunk and of many, and for esbuild's
// and swc's modules when they are installed.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compileModule, compileModuleCode, decodeModule, lastParallelStats, validateModule, type CompiledCode, type WasmModule,
} from '@wasmjit/codegen';
import { Engine } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const PROGRAMS = path.join(REPO, 'packages/bench/programs/wasm');

type Options = Parameters<typeof compileModuleCode>[1];

function digest(c: CompiledCode): Record<string, string> {
  const h = (x: string | Uint8Array | Uint32Array) =>
    createHash('sha256').update(typeof x === 'string' ? x : new Uint8Array(x.buffer, x.byteOffset, x.byteLength)).digest('hex');
  return {
    code: h(c.code),
    funcOffsets: h(JSON.stringify(c.funcOffsets)),
    funcEnds: h(JSON.stringify(c.funcEnds)),
    comments: h(JSON.stringify(c.comments)),
    opOffsets: h(JSON.stringify(c.opOffsets)),
    offsetMap: h(c.offsetMap.code) + h(c.offsetMap.wasm),
  };
}

function load(bytes: Uint8Array): WasmModule {
  const m = decodeModule(bytes.slice(), { extendedConst: true });
  validateModule(m);
  return m;
}

/** Sequential, then on 2 and 3 threads: all three identical. */
function expectSameOnThreads(m: WasmModule, options: Options = {}): void {
  const sequential = compileModuleCode(m, { ...options, parallelCompile: false });
  // Every function (host thunks included) starts on a 16-byte boundary.
  expect(sequential.funcOffsets.filter((o) => o % 16 !== 0), 'unaligned function starts').to.deep.equal([]);
  const one = digest(sequential);
  for (const threads of [2, 3]) {
    expect(digest(compileModuleCode(m, { ...options, parallelCompile: threads })), `${threads} threads`).to.deep.equal(one);
    expect(lastParallelStats?.threads).to.equal(threads);
  }
}

/**
 * Many functions that call each other forwards and backwards (so calls cross chunk
 * boundaries), through a table, with loads, stores, traps and multi-value results.
 */
async function manyFunctions(n: number): Promise<Uint8Array> {
  const funcs: string[] = [];
  for (let i = 0; i < n; i++) {
    const fwd = (i * 7 + 13) % n;
    const back = (i * 3) % n;
    funcs.push(`(func $f${i} (export "f${i}") (param i32 i64) (result i32 i64)
      (local i32 f64)
      (local.set 2 (i32.load offset=${i % 64} (i32.and (local.get 0) (i32.const 0xfff0))))
      (local.set 3 (f64.add (f64.convert_i64_s (local.get 1)) (f64.const ${i}.5)))
      (i64.store (i32.const ${(i * 8) % 4096}) (i64.add (local.get 1) (i64.const ${i * 1_000_003})))
      (if (i32.lt_s (local.get 0) (i32.const 0)) (then (unreachable)))
      (if (result i32 i64) (i32.eqz (local.get 0))
        (then (i32.const ${i}) (i64.trunc_f64_s (local.get 3)))
        (else
          (call $f${fwd} (i32.sub (local.get 0) (i32.const 1)) (local.get 1))
          (local.set 1)
          (local.set 2)
          (call $f${back} (i32.const 0) (i64.const -${i}))
          (drop)
          (local.set 2 (i32.add (local.get 2)))
          (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (local.get 1)
            (i32.rem_u (i32.add (local.get 2) (local.get 0)) (i32.const ${n}))))))`);
  }
  const elems = Array.from({ length: n }, (_, i) => `$f${i}`).join(' ');
  return wat(`(module
    (type $t (func (param i32 i64) (result i32 i64)))
    (import "env" "log" (func $log (param i32)))
    (memory 1)
    (table ${n} funcref)
    (elem (i32.const 0) ${elems})
    ${funcs.join('\n')})`);
}

describe('parallel compilation', function () {
  this.timeout(300_000);

  it('gives the sequential bytes for a module of many chunks', async () => {
    const m = load(await manyFunctions(2400));
    let body = 0;
    for (const c of m.codes) body += c.bodyEnd - c.bodyStart;
    expect(body, 'big enough for several chunks').to.be.greaterThan(4 * 64 * 1024);
    expectSameOnThreads(m, { boundsChecks: 'explicit' });
    expect(lastParallelStats!.chunks).to.be.greaterThan(3);
    expectSameOnThreads(m, { boundsChecks: 'guard', trace: true, collectOffsets: true });
    expectSameOnThreads(m, { boundsChecks: 'explicit', consumeFuel: true, epochInterruption: true });
  });

  it('gives the sequential bytes for the benchmark programs', () => {
    for (const name of ['calls', 'hashtable', 'interp', 'quicksort', 'sha256', 'nbody']) {
      expectSameOnThreads(load(new Uint8Array(readFileSync(path.join(PROGRAMS, `${name}.wasm`)))));
    }
  });

  it('runs the code it compiled', async () => {
    const bytes = await manyFunctions(1500);
    const results = [false, 2].map((parallelCompile) => {
      const engine = new Engine({ parallelCompile });
      const inst = engine.instantiate(engine.compile(bytes), { env: { log: () => {} } });
      const f = inst.exports['f700'] as (a: number, b: bigint) => [number, bigint];
      let trap = '';
      try {
        f(-1, 0n);
      } catch (e) {
        trap = String(e);
      }
      return [f(0, 5n), f(3, 9n), f(7, -2n), trap];
    });
    expect(results[1]).to.deep.equal(results[0]);
  });

  for (const [pkg, file] of [['esbuild-wasm', 'esbuild.wasm'], ['@swc/wasm', 'wasm_bg.wasm']] as const) {
    it(`gives the sequential bytes for ${pkg}'s ${file} (skipped when not installed)`, function () {
      const wasmFile = installedFile(pkg, file);
      if (!wasmFile) this.skip();
      const bytes = new Uint8Array(readFileSync(wasmFile));
      const m = load(bytes);
      const one = digest(compileModuleCode(m, { boundsChecks: 'guard', parallelCompile: false }));
      expect(digest(compileModuleCode(m, { boundsChecks: 'guard', parallelCompile: 2 }))).to.deep.equal(one);
      // What Engine.compile runs: bodies validated inside the (parallel) chunks.
      expect(digest(compileModule(bytes, {}, { boundsChecks: 'guard', parallelCompile: 2 }).compiled)).to.deep.equal(one);
    });
  }
});

/** A file of an npm package the bench package depends on, or null. */
function installedFile(pkg: string, file: string): string | null {
  try {
    const require = createRequire(path.join(REPO, 'packages/bench/package.json'));
    const f = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
    return existsSync(f) ? f : null;
  } catch {
    return null;
  }
}
