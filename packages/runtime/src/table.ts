// Table: a wasm table shaped like WebAssembly.Table, the JS face of a TableStore
// (table-store.ts), which holds the native elements and is never handed to a program. The
// runtime reaches the store only through tableStore(), never through a property of the
// Table, which a program could replace or shadow.
//
// Every JS value is converted before the elements are touched, and the elements are read
// from the store afterwards: a conversion that ran JS could have grown the table, unmapping
// the array held before it. (Index conversions run valueOf; reference conversions run no JS.)
import { ValType } from '@wasmjit/codegen';
import { RefDomain } from './ref-domain.js';
import { refFromJS, refToJS } from './refs.js';
import { enforceU32, enforceU64Size } from './js-values.js';
import { MAX_TABLE_LENGTH, TableStore } from './table-store.js';

export { MAX_TABLE_LENGTH } from './table-store.js';

export type TableElementType = 'anyfunc' | 'funcref' | 'externref';

export interface TableDescriptorInit {
  element: TableElementType;
  initial: number;
  maximum?: number;
  /** 'i64' for a 64-bit table (table64); default 'i32'. */
  address?: 'i32' | 'i64';
}

const ELEMENT_TYPES: Record<string, ValType.FuncRef | ValType.ExternRef> = {
  anyfunc: ValType.FuncRef, funcref: ValType.FuncRef, externref: ValType.ExternRef,
};

/** Set by Table.create for the one constructor call it makes: the domain of a table a module defines. */
let internalDomain: RefDomain | null = null;

let storeOf: (t: unknown) => TableStore | undefined;

/** The store of a real Table (undefined for anything else, a Proxy of a Table included). */
export function tableStore(t: unknown): TableStore | undefined {
  return storeOf(t);
}

/**
 * A table a module defines, in its instance's domain: all elements ref.null. Module-level,
 * not a static method: a program could call a static with a forged domain.
 */
export function createTable(elemType: ValType, initial: number, maximum: number | undefined, domain: RefDomain, is64 = false, init = 0n): Table {
  internalDomain = domain;
  internalTable = { type: elemType, init };
  try {
    return new Table({ element: (elemType & 0xff) === ValType.FuncRef ? 'anyfunc' : 'externref', initial, maximum, address: is64 ? 'i64' : 'i32' });
  } finally {
    internalDomain = null;
    internalTable = null;
  }
}

/** Set with internalDomain: the table's wasm element type (a boundary type, typed-refs.ts) and initial bits. */
let internalTable: { type: ValType; init: bigint } | null = null;

export class Table {
  readonly #store: TableStore;

  static {
    storeOf = (t) => (typeof t === 'object' && t !== null && #store in t ? (t as Table).#store : undefined);
  }

  constructor(descriptor: TableDescriptorInit, value?: unknown) {
    if (typeof descriptor !== 'object' || descriptor === null) {
      throw new TypeError('Table: argument 0 must be a table descriptor');
    }
    // Each property is read (and converted) once, in the JS API's order: a getter or valueOf
    // may have side effects.
    const element = String(descriptor.element);
    const elemType: ValType | undefined = internalTable !== null ? internalTable.type : ELEMENT_TYPES[element];
    if (elemType === undefined) throw new TypeError(`Table: unknown element type ${element}`);
    const address: unknown = descriptor.address;
    if (address !== undefined && address !== 'i32' && address !== 'i64') throw new TypeError(`Table: address must be 'i32' or 'i64', got ${String(address)}`);
    const is64 = address === 'i64';
    const size = is64 ? enforceU64Size : enforceU32;
    const initial = size(descriptor.initial, 'Table: initial');
    const max: unknown = descriptor.maximum;
    const maximum = max === undefined ? undefined : size(max, 'Table: maximum');
    if (maximum !== undefined && maximum < initial) throw new RangeError(`Table: maximum ${maximum} is below initial ${initial}`);
    if (initial > MAX_TABLE_LENGTH) throw new RangeError(`Table: initial ${initial} exceeds the limit of ${MAX_TABLE_LENGTH}`);
    let domain: RefDomain;
    let init = 0n;
    if (internalDomain !== null) {
      domain = internalDomain;
      internalDomain = null;
      init = internalTable?.init ?? 0n;
      internalTable = null;
    } else {
      domain = new RefDomain();
      init = fromJS(elemType, domain, value, arguments.length < 2);
    }
    this.#store = new TableStore(elemType, initial, maximum, domain, init, is64);
  }

  get length(): number {
    return this.#store.length;
  }

  get(index: number): unknown {
    const s = this.#store;
    const i = this.#index(index, 'get');
    return refToJS(s.elemType, Number(s.elements[i]!), s.domain);
  }

  set(index: number, value?: unknown): void {
    const s = this.#store;
    const i = this.#index(index, 'set');
    const raw = fromJS(s.elemType, s.domain, value, arguments.length < 2);
    // Read the elements (and check the index) again only now: see the file comment.
    if (i >= s.length) throw new RangeError(`Table.set(): index ${i} out of bounds (length ${s.length})`);
    s.elements[i] = raw;
  }

  /** Grows by `delta` elements (set to `value`); returns the old length. */
  grow(delta: number, value?: unknown): number {
    const s = this.#store;
    const d = (s.is64 ? enforceU64Size : enforceU32)(delta, 'Table.grow(): delta');
    const init = fromJS(s.elemType, s.domain, value, arguments.length < 2);
    const old = s.grow(d, init);
    if (old < 0) throw new RangeError(`Table.grow(): cannot grow a table of ${s.length} by ${d}`);
    return old;
  }

  #index(index: number, what: string): number {
    const i = enforceU32(index, `Table.${what}(): index`);
    const length = this.#store.length;
    if (i >= length) throw new RangeError(`Table.${what}(): index ${i} out of bounds (length ${length})`);
    return i;
  }
}

/** A JS value as raw element bits; a missing value is DefaultValue (null, or undefined for externref). */
function fromJS(elemType: ValType, domain: RefDomain, value: unknown, missing: boolean): bigint {
  if (missing && (elemType === ValType.FuncRef || (elemType > 0xff && (elemType & 0x100) === 0 && (elemType & 0xff) === ValType.FuncRef))) return 0n;
  return BigInt(refFromJS(elemType, value, domain));
}
