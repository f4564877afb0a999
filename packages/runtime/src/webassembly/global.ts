// WebAssembly.Global over the runtime's Global (../global.ts): descriptor and value
// conversion as in the JS API, one WebAssembly.Global per runtime Global.
import { ValType } from '@wasmjit/codegen';
import { Global as RuntimeGlobal, globalSlot, type GlobalValueType } from '../global.js';
import { toWasmNumber } from './values.js';
import { dictionary, enumeration, required, webidlInterface } from './webidl.js';

const runtimeOf = new WeakMap<object, RuntimeGlobal>();
const wrapperOf = new WeakMap<RuntimeGlobal, Global>();

function brand(g: unknown, what: string): RuntimeGlobal {
  const rt = typeof g === 'object' && g !== null ? runtimeOf.get(g) : undefined;
  if (rt === undefined) throw new TypeError(`${what}: Receiver is not a WebAssembly.Global`);
  return rt;
}

export function unwrapGlobal(g: unknown): RuntimeGlobal | undefined {
  return typeof g === 'object' && g !== null ? runtimeOf.get(g) : undefined;
}

export function wrapGlobal(rt: RuntimeGlobal): Global {
  let g = wrapperOf.get(rt);
  if (g === undefined) {
    g = Object.create(Global.prototype) as Global;
    runtimeOf.set(g, rt);
    wrapperOf.set(rt, g);
  }
  return g;
}

const VALUE_TYPES_WASM: Record<GlobalValueType, ValType> = {
  i32: ValType.I32, i64: ValType.I64, f32: ValType.F32, f64: ValType.F64,
  anyfunc: ValType.FuncRef, funcref: ValType.FuncRef, externref: ValType.ExternRef,
};
const VALUE_TYPES = Object.keys(VALUE_TYPES_WASM) as GlobalValueType[];

export class Global {
  constructor(descriptor: unknown, ...rest: unknown[]) {
    const what = 'WebAssembly.Global()';
    const d = dictionary(descriptor, `${what}: Argument 0 must be a global descriptor`);
    // GlobalDescriptor's members in WebIDL order (mutable, value), then the value.
    const mutable = Boolean(d.mutable);
    const notType = `${what}: Descriptor property 'value' must be a WebAssembly type`;
    const value = enumeration(required(d, 'value', what, notType), VALUE_TYPES, what, notType);
    // A missing or undefined value is the type's default (0, 0n, null; undefined for
    // externref); any other is converted (ToInt32, ToBigInt64, ...) as the JS API says.
    const rt = rest[0] === undefined
      ? new RuntimeGlobal({ value, mutable })
      : new RuntimeGlobal({ value, mutable }, toWasmNumber(VALUE_TYPES_WASM[value], rest[0]));
    runtimeOf.set(this, rt);
    wrapperOf.set(rt, this);
  }

  valueOf(): unknown {
    return brand(this, 'WebAssembly.Global.valueOf()').value;
  }

  get value(): unknown {
    return brand(this, 'get WebAssembly.Global.value').value;
  }

  set value(v: unknown) {
    const rt = brand(this, 'set WebAssembly.Global.value');
    // Immutability is checked before the value is converted (no valueOf side effects).
    const slot = globalSlot(rt)!;
    if (!slot.mutable) throw new TypeError('set WebAssembly.Global.value: Can\'t set the value of an immutable global.');
    rt.value = toWasmNumber(slot.type, v);
  }
}
webidlInterface(Global, 'WebAssembly.Global');
