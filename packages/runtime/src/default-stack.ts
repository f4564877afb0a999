// The default maxWasmStack: sized from the JS stack V8 gives this thread, as V8 sizes its own
// wasm's room (V8's wasm frames share that JS stack). wasmjit's wasm runs on a stack of its
// own (docs/stack.md), so the number is a budget, not a share of the thread's stack.
import { isMainThread, resourceLimits } from 'node:worker_threads';

/** V8's default --stack-size on x64, in KB. */
const V8_DEFAULT_STACK_KB = 984;
/** Node leaves this much of a worker's stack below V8's limit (its kStackBufferSize). */
const WORKER_STACK_BUFFER = 192 * 1024;
/** Node's default resourceLimits.stackSizeMb for workers. */
const WORKER_DEFAULT_STACK_MB = 4;
/**
 * The budget is twice V8's room: wasmjit's frames are up to a third larger than V8's for the
 * same function (`pnpm bench:depth`: 64/64, 136/176, 64/80, 96/96, 72/96 bytes a level), and
 * a level of wasm -> JS -> wasm nesting takes ~290 bytes of the wasm stack (the activation's
 * record and entry frame, the host thunk, the suspended host call's saved registers) where
 * V8's optimized wrappers take ~160 of its JS stack. Twice covers both; the memory is only
 * touched by wasm that goes that deep.
 */
const FRAME_RATIO = 2;

/** --stack-size in KB if given to this process (command line or NODE_OPTIONS), else V8's default. */
function stackSizeFlagKb(): number {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  let kb = V8_DEFAULT_STACK_KB;
  for (const a of args) {
    const m = /^--stack[-_]size=(\d+)$/.exec(a);
    if (m) kb = Number(m[1]);
  }
  return kb;
}

/** Bytes of JS stack V8 allows on the calling thread. */
export function v8JsStackBytes(): number {
  if (isMainThread) return stackSizeFlagKb() * 1024;
  const mb = resourceLimits.stackSizeMb || WORKER_DEFAULT_STACK_MB;
  return Math.max(mb * 1024 * 1024 - WORKER_STACK_BUFFER, 64 * 1024);
}

/** The default EngineOptions.maxWasmStack for an Engine created on the calling thread. */
export function defaultMaxWasmStack(): number {
  return Math.ceil((v8JsStackBytes() * FRAME_RATIO) / 4096) * 4096;
}
