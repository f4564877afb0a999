// Typed ESM view of the native add-on (@wasmjit/native, a CommonJS .node module).
import { createRequire } from 'node:module';
import { CallBuffer, setTypeIdSource } from '@wasmjit/codegen';

/** The add-on's API, declared once, in native/index.d.ts. */
export type NativeBinding = typeof import('@wasmjit/native');
export type HostDispatcher = import('@wasmjit/native').HostDispatcher;
export type HelperAddresses = import('@wasmjit/native').HelperAddresses;
export type StackInfo = import('@wasmjit/native').StackInfo;

const require = createRequire(import.meta.url);
export const native: NativeBinding = require('@wasmjit/native');

// A stale build of the add-on would read descriptors from the wrong slots: refuse it.
if (native.callBuffer.byteLength !== CallBuffer.Slots * 8) {
  throw new Error(
    `@wasmjit/native call buffer is ${native.callBuffer.byteLength} bytes, abi.ts expects ${CallBuffer.Slots * 8}: rebuild the add-on (pnpm build)`,
  );
}

// Signature ids from the add-on's process-wide table (native/src/type_ids.c): code compiled
// on one thread checks call_indirect targets against ids another thread's instances write.
setTypeIdSource((key) => native.canonicalTypeId(key));

/** Views over the same call buffer bytes, indexed by CallBuffer slot. */
export const callF64 = new Float64Array(native.callBuffer);
export const callI64 = new BigInt64Array(native.callBuffer);
/** 32-bit views: slot i's low half is index 2*i (little-endian). */
export const callI32 = new Int32Array(native.callBuffer);
export const callU32 = new Uint32Array(native.callBuffer);
