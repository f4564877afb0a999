// wasm → JS → wasm nesting depth (the depth benchmark's "nesting" table and the nesting
// tests): an export nest(n) calls the JS import down(n), which calls nest(n + 1), until
// something gives out. Cold: the first nest of a fresh process (interpreted JS); warm: after
// 2,000 nests 100 deep (optimized JS). A clean end is V8's RangeError (JS stack) or wasmjit's
// stack_overflow (wasm budget); anything else throws.
import { Engine, RuntimeError, type EngineOptions } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';
import type { DepthEngine } from './depth-measure.js';

export const NEST_WAT = `(module
  (import "js" "down" (func $down (param i32) (result i32)))
  (func (export "nest") (param $n i32) (result i32)
    (i32.add (call $down (local.get $n)) (i32.const 1))))`;

export interface NestingDepths {
  cold: number;
  warm: number;
  coldEnd: string;
  warmEnd: string;
}

function cleanEnd(e: unknown): string {
  if (e instanceof RuntimeError && e.trap === 'stack_overflow') return 'stack_overflow';
  if (e instanceof RangeError && /call stack/.test(e.message)) return 'RangeError';
  throw e;
}

export async function nestingDepths(engine: DepthEngine, options: EngineOptions = {}): Promise<NestingDepths> {
  const bytes = await wat(NEST_WAT);
  let depth = 0;
  let cap = Infinity;
  let nest: (n: number) => number = () => 0;
  const imports = { js: { down: (n: number) => { depth = n; return n >= cap ? 0 : nest(n + 1); } } };
  if (engine === 'v8') {
    nest = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports).exports.nest as typeof nest;
  } else {
    const e = new Engine(options);
    nest = e.instantiate(e.compile(bytes), imports).exports.nest as typeof nest;
  }
  const toTheEnd = (): [number, string] => {
    cap = Infinity;
    depth = 0;
    try {
      nest(1);
    } catch (e) {
      return [depth, cleanEnd(e)];
    }
    throw new Error('nesting ended without an error');
  };
  const [cold, coldEnd] = toTheEnd();
  cap = 100;
  for (let i = 0; i < 2000; i++) if (nest(1) !== 100) throw new Error('wrong nesting result');
  const [warm, warmEnd] = toTheEnd();
  return { cold, warm, coldEnd, warmEnd };
}
