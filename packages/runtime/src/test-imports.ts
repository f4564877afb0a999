// Test only: native functions of the add-on (native/src/test_helpers.c) presented as wasmjit
// functions, so a test can link them as wasm imports and wasm calls straight into C code
// with the wasmcall ABI (no JS in between). They run on whatever stack wasm left, which is
// how the stack tests prove the host reserve below the wasm limit is really there.
import { Vmctx, ValType } from '@wasmjit/codegen';
import { allocData, type DataRegion } from './code-memory.js';
import { native } from './native.js';
import { getDefaultEngine } from './engine.js';
import { makeExportWrapper, type WasmFunction } from './func-wrappers.js';
import { RefDomain } from './ref-domain.js';

export interface NativeTestImports {
  /** use_stack(bytes: i32) -> i32: touches `bytes` of native stack (every page); returns
   * native.testUseStack(bytes)'s checksum, or 0 if the thread's stack lacks the room. */
  use_stack: WasmFunction;
  /** stack_headroom() -> i64: the caller's rsp minus the wasm stack limit (r15). */
  stack_headroom: WasmFunction;
}

let cached: NativeTestImports | undefined;
// The functions never read their vmctx, but calling one from JS enters through invoke(),
// which reads the stack options and the unwinder from it: give them a header of their own.
let vmctx: DataRegion | undefined;

export function nativeTestImports(): NativeTestImports {
  if (cached) return cached;
  vmctx = allocData(Vmctx.HeaderEnd);
  const view = new DataView(vmctx.buffer);
  const engine = getDefaultEngine();
  const helpers = native.helperAddresses();
  const put = (off: number, v: number) => view.setBigUint64(off, BigInt(v), true);
  put(Vmctx.HostCall, helpers.hostCall);
  put(Vmctx.TrapUnwind, helpers.trapUnwind);
  put(Vmctx.MaxWasmStack, engine.maxWasmStack);
  put(Vmctx.HostStackReserve, engine.hostStackReserve);
  const addrs = native.testImports();
  // No instance owns them: they have no FuncRefRecord (so they cannot become funcrefs) and
  // a reference domain of their own, which an instance importing them joins.
  const owner = { vmctx, domain: new RefDomain(), disposed: false };
  cached = {
    use_stack: makeExportWrapper('use_stack', {
      code: addrs.useStack, vmctx: vmctx.address, sig: { params: [ValType.I32], results: [ValType.I32] }, owner, record: null,
    }),
    stack_headroom: makeExportWrapper('stack_headroom', {
      code: addrs.stackHeadroom, vmctx: vmctx.address, sig: { params: [], results: [ValType.I64] }, owner, record: null,
    }),
  };
  return cached;
}
