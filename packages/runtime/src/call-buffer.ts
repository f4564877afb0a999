// Typed views over the native per-thread call buffer (see CallBuffer in abi.ts). Exported
// functions write arguments here and read results back; host imports do the reverse.
import { native } from './native.js';

const buf = native.callBuffer;
export const cbI32 = new Int32Array(buf);
export const cbF32 = new Float32Array(buf);
export const cbF64 = new Float64Array(buf);
export const cbI64 = new BigInt64Array(buf);
