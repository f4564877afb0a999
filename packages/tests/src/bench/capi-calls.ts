// The C API rows of pnpm bench:calls: wasm → native import (C, no JS) and C → wasm export
// calls, each next to the closest JS figure in V8 (wasm → JS import, JS → wasm export).
import { createRequire } from 'node:module';
import { Engine, nativeApi, nativeFunction } from '@wasmjit/runtime';
import type { SampleAddon } from '@wasmjit/sample-addon';
import { wat } from '../util/wat.js';

const SRC = `(module
  (import "n" "add" (func $add (param i32 i32) (result i32)))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "importLoop") (param i32) (result i32) (local i32)
    block loop
      local.get 1 local.get 0 i32.ge_u br_if 1
      local.get 1 i32.const 1 call $add local.set 1
      br 0 end end
    local.get 1))`;

type Fn = (...x: number[]) => number;
export type Row = [string, number, number];

export async function capiRows(timeNs: (f: () => void, iterations: number) => number, N: number): Promise<Row[]> {
  const require = createRequire(import.meta.url);
  const addon = (require('@wasmjit/sample-addon') as { init(api: object): SampleAddon }).init(nativeApi());
  const bytes = await wat(SRC);
  const engine = new Engine();
  const ours = engine.instantiate(engine.compile(bytes), { n: addon.imports() } as never).exports as Record<string, Fn>;
  const jsAdd = { n: { add: (a: number, b: number) => (a + b) | 0 } };
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), jsAdd).exports as Record<string, Fn>;
  const handle = nativeFunction(ours.add);
  const rows: Row[] = [];
  rows.push([
    'wasm→native import, C API (V8: wasm→JS import)',
    timeNs(() => { if (ours.importLoop!(N) !== N) throw new Error('bad result'); }, N),
    timeNs(() => { if (v8.importLoop!(N) !== N) throw new Error('bad result'); }, N),
  ]);
  const expected = ((N * (N + 1)) / 2) | 0;
  rows.push([
    'C→wasm export call, C API (V8: JS→wasm export)',
    timeNs(() => { if (addon.callLoop(handle, N) !== expected) throw new Error('bad result'); }, N),
    timeNs(() => { const f = v8.add!; let s = 0; for (let i = 0; i < N; i++) s = (s + f(i, 1)) | 0; if (s !== expected) throw new Error('bad result'); }, N),
  ]);
  return rows;
}
