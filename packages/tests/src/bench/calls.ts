// Call-path micro benchmark (not a test): ns per call for a trivial export (JS→wasm), an
// export that calls a JS import (JS→wasm→JS round trip), an import called from a loop in
// wasm (wasm→JS alone) and a wasm→wasm call loop, in wasmjit and V8.
// Each figure is the best of 15 runs, timed in CPU time (process.cpuUsage) rather than wall
// time: on a shared, loaded machine that is far more repeatable, and the best run is the one
// least disturbed by other processes.
// Run: pnpm bench:calls
import { Engine } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';
import { capiRows } from './capi-calls.js';

const SRC = `(module
  (import "env" "js" (func $js (param i32) (result i32)))
  (func (export "id") (param i32) (result i32) local.get 0)
  (func (export "viaImport") (param i32) (result i32) local.get 0 call $js)
  (func (export "importLoop") (param i32) (result i32) (local i32)
    block loop
      local.get 1 local.get 0 i32.ge_u br_if 1
      local.get 1 call $js local.set 1
      br 0 end end
    local.get 1)
  (func $inc (param i32) (result i32) local.get 0 i32.const 1 i32.add)
  (func (export "loopCalls") (param i32) (result i32) (local i32)
    block loop
      local.get 1 local.get 0 i32.ge_u br_if 1
      local.get 1 call $inc local.set 1
      br 0 end end
    local.get 1))`;

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function timeNs(f: () => void, iterations: number, runs = 15): number {
  f(); // warm up (JIT the JS side too)
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = cpuMicros();
    f();
    best = Math.min(best, ((cpuMicros() - t0) * 1000) / iterations);
  }
  return best;
}

type Fn = (x: number) => number;

async function main(): Promise<void> {
  const bytes = await wat(SRC);
  const imports = { env: { js: (x: number) => x + 1 } };
  const engine = new Engine();
  const ours = engine.instantiate(engine.compile(bytes), imports).exports as Record<string, Fn>;
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports).exports as Record<string, Fn>;
  const N = 1_000_000;
  const rows: [string, number, number][] = [];
  const measure = (label: string, run: (e: Record<string, Fn>) => void, per: number) => {
    rows.push([label, timeNs(() => run(ours), per), timeNs(() => run(v8), per)]);
  };
  measure('JS→wasm trivial export', (e) => { const f = e.id!; let s = 0; for (let i = 0; i < N; i++) s += f(i); if (s === -1) throw 0; }, N);
  measure('JS→wasm→JS import round trip', (e) => { const f = e.viaImport!; let s = 0; for (let i = 0; i < N; i++) s += f(i); if (s === -1) throw 0; }, N);
  measure('wasm→JS import call (loop in wasm)', (e) => { if (e.importLoop!(N) !== N) throw new Error('bad result'); }, N);
  measure('wasm→wasm call (in a loop)', (e) => { if (e.loopCalls!(10 * N) !== 10 * N) throw new Error('bad result'); }, 10 * N);
  rows.push(...(await capiRows(timeNs, N)));
  console.log('| call | wasmjit ns | V8 ns | ratio |');
  console.log('| --- | --- | --- | --- |');
  for (const [label, a, b] of rows) console.log(`| ${label} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(a / b).toFixed(2)} |`);
}

await main();
