// Typed views over the native per-thread call buffer (see CallBuffer in abi.ts). Exported
// functions write arguments here and read results back; host imports do the reverse.
import { native } from './native.js';

export { callI32 as cbI32, callF64 as cbF64, callI64 as cbI64 } from './native.js';
/** 32-bit float view: slot i's low half is index 2*i (little-endian). */
export const cbF32 = new Float32Array(native.callBuffer);
