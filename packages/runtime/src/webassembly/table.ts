// WebAssembly.Table over the runtime's Table (../table.ts): argument conversion and checks
// as in the JS API, one WebAssembly.Table per runtime Table (identity across exports).
import { MAX_TABLE_LENGTH, Table as RuntimeTable, tableStore, type TableElementType } from '../table.js';
import { dictionary, enforceU32, enforceU64, enumeration, required, webidlInterface, withMessage } from './webidl.js';

const runtimeOf = new WeakMap<object, RuntimeTable>();
const wrapperOf = new WeakMap<RuntimeTable, Table>();

function brand(t: unknown, what: string): RuntimeTable {
  const rt = typeof t === 'object' && t !== null ? runtimeOf.get(t) : undefined;
  if (rt === undefined) throw new TypeError(`${what}: Receiver is not a WebAssembly.Table`);
  return rt;
}

export function unwrapTable(t: unknown): RuntimeTable | undefined {
  return typeof t === 'object' && t !== null ? runtimeOf.get(t) : undefined;
}

export function wrapTable(rt: RuntimeTable): Table {
  let t = wrapperOf.get(rt);
  if (t === undefined) {
    t = Object.create(Table.prototype) as Table;
    runtimeOf.set(t, rt);
    wrapperOf.set(rt, t);
  }
  return t;
}

const ELEMENT_TYPES = ['anyfunc', 'funcref', 'externref'] as const satisfies readonly TableElementType[];

/** table64: whether the runtime table is indexed by i64. */
function is64(rt: RuntimeTable): boolean {
  return tableStore(rt)?.is64 === true;
}

export class Table {
  // `value` is read from the arguments: the constructor's length is 1, and a missing value
  // (the element type's default) differs from an explicit undefined for funcref tables.
  constructor(descriptor: unknown, ...rest: unknown[]) {
    const what = 'WebAssembly.Table()';
    const d = dictionary(descriptor, `${what}: Argument 0 must be a table descriptor`);
    // Members in the order V8 and the JS API tests read them, each converted when read.
    const notRef = `${what}: Descriptor property 'element' must be a WebAssembly reference type`;
    const element = enumeration(required(d, 'element', what, notRef), ELEMENT_TYPES, what, notRef);
    const addressValue = d.address;
    const address = addressValue === undefined ? 'i32' : enumeration(addressValue, ['i32', 'i64'], `${what}: address`);
    // table64: sizes and indexes are bigints (ToBigInt, then the u64 range).
    const size = address === 'i64' ? enforceU64 : enforceU32;
    const initial = size(required(d, 'initial', what), `${what}: Property 'initial'`);
    const maximumValue = d.maximum;
    const maximum = maximumValue === undefined ? undefined : size(maximumValue, `${what}: Property 'maximum'`);
    // The runtime Table checks initial against maximum and the length limit, then converts
    // the value (TypeError for a funcref that is not a wasm function).
    // The runtime checks these too; here with V8's messages.
    if (initial > MAX_TABLE_LENGTH) throw new RangeError(`${what}: Property 'initial': value ${initial} is above the upper bound ${MAX_TABLE_LENGTH}`);
    if (maximum !== undefined && maximum < initial) throw new RangeError(`${what}: Property 'maximum': value ${maximum} is below the lower bound ${initial}`);
    const rt = rest.length === 0
      ? new RuntimeTable({ element, initial, maximum, address })
      : new RuntimeTable({ element, initial, maximum, address }, rest[0]);
    runtimeOf.set(this, rt);
    wrapperOf.set(rt, this);
  }

  get length(): number | bigint {
    const rt = brand(this, 'WebAssembly.Table.length()');
    return is64(rt) ? BigInt(rt.length) : rt.length;
  }

  grow(delta: unknown, ...rest: unknown[]): number | bigint {
    const rt = brand(this, 'WebAssembly.Table.grow()');
    const wide = is64(rt);
    const d = (wide ? enforceU64 : enforceU32)(delta, 'WebAssembly.Table.grow(): Argument 0');
    const old = withMessage(() => (rest.length === 0 ? rt.grow(d) : rt.grow(d, rest[0])), `WebAssembly.Table.grow(): failed to grow table by ${d}`);
    return wide ? BigInt(old) : old;
  }

  get(index: unknown): unknown {
    const rt = brand(this, 'WebAssembly.Table.get()');
    const i = (is64(rt) ? enforceU64 : enforceU32)(index, 'WebAssembly.Table.get(): Argument 0');
    if (i >= rt.length) throw new RangeError(`WebAssembly.Table.get(): invalid index ${i} into function table`);
    return rt.get(i);
  }

  set(index: unknown, ...rest: unknown[]): void {
    const rt = brand(this, 'WebAssembly.Table.set()');
    const i = (is64(rt) ? enforceU64 : enforceU32)(index, 'WebAssembly.Table.set(): Argument 0');
    if (i >= rt.length) throw new RangeError(`WebAssembly.Table.set(): invalid index ${i} into function table`);
    if (rest.length === 0) rt.set(i);
    else rt.set(i, rest[0]);
  }
}
webidlInterface(Table, 'WebAssembly.Table');
