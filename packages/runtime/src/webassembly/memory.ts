// WebAssembly.Memory over the runtime's Memory (../memory.ts), which does the work: this
// file converts and checks arguments as the JS API does, and keeps one WebAssembly.Memory
// per runtime Memory so that a memory exported twice (or imported and re-exported) is the
// same object.
import { MAX_PAGES, Memory as RuntimeMemory } from '../memory.js';
import { memoryIs64 } from '../memory-access.js';
import { growShared, initSharedMemory, sharedBufferOf } from './shared-memory.js';
import { dictionary, enforceU32, enforceU64, enumeration, required, webidlInterface, withMessage } from './webidl.js';

const runtimeOf = new WeakMap<object, RuntimeMemory>();
const wrapperOf = new WeakMap<RuntimeMemory, Memory>();

function brand(m: unknown, what: string): RuntimeMemory {
  const rt = typeof m === 'object' && m !== null ? runtimeOf.get(m) : undefined;
  if (rt === undefined) throw new TypeError(`${what}: Receiver is not a WebAssembly.Memory`);
  return rt;
}

/** The runtime Memory behind `m`, or undefined when `m` is not a WebAssembly.Memory. */
export function unwrapMemory(m: unknown): RuntimeMemory | undefined {
  return typeof m === 'object' && m !== null ? runtimeOf.get(m) : undefined;
}

/** The WebAssembly.Memory for a runtime Memory (an export), made once. */
export function wrapMemory(rt: RuntimeMemory): Memory {
  let m = wrapperOf.get(rt);
  if (m === undefined) {
    m = Object.create(Memory.prototype) as Memory;
    runtimeOf.set(m, rt);
    wrapperOf.set(rt, m);
  }
  return m;
}

export class Memory {
  constructor(descriptor: unknown) {
    const what = 'WebAssembly.Memory()';
    // Members in the order V8 and the JS API tests read them, each converted when read.
    const d = dictionary(descriptor, `${what}: Argument 0 must be a memory descriptor`);
    const addressValue = d.address;
    const address = addressValue === undefined ? 'i32' : enumeration(addressValue, ['i32', 'i64'], `${what}: address`);
    const is64 = address === 'i64';
    const size = is64 ? enforceU64 : enforceU32;
    const initial = size(required(d, 'initial', what), `${what}: Property 'initial'`);
    const maximumValue = d.maximum;
    const maximum = maximumValue === undefined ? undefined : size(maximumValue, `${what}: Property 'maximum'`);
    const shared = Boolean(d.shared);
    if (maximum !== undefined && maximum < initial) throw new RangeError(`${what}: Property 'maximum': value ${maximum} is below the lower bound ${initial}`);
    if (shared) {
      // Made from JS only: no module wasmjit compiles can import it (shared-memory.ts).
      if (maximum === undefined) throw new TypeError(`${what}: If shared is true, maximum property should be defined.`);
      if (is64) throw new TypeError(`${what}: shared 64-bit memories are not supported`);
      initSharedMemory(this, initial, maximum, what);
      return;
    }
    if (is64) {
      const rt = new RuntimeMemory({ initial, maximum, address });
      runtimeOf.set(this, rt);
      wrapperOf.set(rt, this);
      return;
    }
    // The runtime checks these too; here with V8's messages.
    if (initial > MAX_PAGES) throw new RangeError(`${what}: Property 'initial': value ${initial} is above the upper bound ${MAX_PAGES}`);
    if (maximum !== undefined && maximum > MAX_PAGES) throw new RangeError(`${what}: Property 'maximum': value ${maximum} is above the upper bound ${MAX_PAGES}`);
    const rt = new RuntimeMemory({ initial, maximum });
    runtimeOf.set(this, rt);
    wrapperOf.set(rt, this);
  }

  grow(delta: unknown): number | bigint {
    const sab = sharedBufferOf(this);
    if (sab !== undefined) return growShared(sab, enforceU32(delta, 'WebAssembly.Memory.grow(): Argument 0'));
    const rt = brand(this, 'WebAssembly.Memory.grow()');
    if (memoryIs64(rt)) {
      // memory64: sizes are bigints both ways.
      const d = enforceU64(delta, 'WebAssembly.Memory.grow(): Argument 0');
      return BigInt(withMessage(() => rt.grow(d), 'WebAssembly.Memory.grow(): Maximum memory size exceeded'));
    }
    const d = enforceU32(delta, 'WebAssembly.Memory.grow(): Argument 0');
    return withMessage(() => rt.grow(d), 'WebAssembly.Memory.grow(): Maximum memory size exceeded');
  }

  get buffer(): ArrayBuffer | SharedArrayBuffer {
    const sab = sharedBufferOf(this);
    if (sab !== undefined) return sab;
    return brand(this, 'WebAssembly.Memory.buffer').buffer;
  }
}
webidlInterface(Memory, 'WebAssembly.Memory');
