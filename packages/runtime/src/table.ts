// Table: a wasm table shaped like WebAssembly.Table. Elements are raw wasm reference bits
// (refs.ts) in a native array that generated code indexes directly, found through a
// TableDescriptor { elements, length } (layout.ts) in a 16-byte native cell. Every instance
// using the table points at that one descriptor, so growing — reallocating the array and
// updating the descriptor — is seen by all of them at once. Generated code reloads the
// descriptor on every access, so the old array can be unmapped right away.
import { TableDescriptor, ValType } from '@wasmjit/codegen';
import { allocData, type DataRegion } from './code-memory.js';
import { allocCell, type Cell } from './native-cells.js';
import { refFromJS, refToJS } from './refs.js';
import { enforceU32 } from './js-values.js';

/** Most elements a table may have (the JS API's implementation limit, as in V8). */
export const MAX_TABLE_LENGTH = 10_000_000;

export type TableElementType = 'anyfunc' | 'funcref' | 'externref';

export interface TableDescriptorInit {
  element: TableElementType;
  initial: number;
  maximum?: number;
}

const ELEMENT_TYPES: Record<string, ValType> = {
  anyfunc: ValType.FuncRef, funcref: ValType.FuncRef, externref: ValType.ExternRef,
};

/** Set by Table.create for the one constructor call it makes: the initial raw element. */
let internalInit: bigint | null = null;

export class Table {
  /** @internal The element type (FuncRef or ExternRef). */
  readonly elemType: ValType;
  /** @internal The declared maximum, if any. */
  readonly maximum: number | undefined;
  readonly #descriptor: Cell;
  #region: DataRegion;
  #elements: BigUint64Array;
  #length: number;

  constructor(descriptor: TableDescriptorInit, value?: unknown) {
    if (typeof descriptor !== 'object' || descriptor === null) {
      throw new TypeError('Table: argument 0 must be a table descriptor');
    }
    const elemType = ELEMENT_TYPES[String(descriptor.element)];
    if (elemType === undefined) throw new TypeError(`Table: unknown element type ${String(descriptor.element)}`);
    const initial = enforceU32(descriptor.initial, 'Table: initial');
    const maximum = descriptor.maximum === undefined ? undefined : enforceU32(descriptor.maximum, 'Table: maximum');
    if (maximum !== undefined && maximum < initial) throw new RangeError(`Table: maximum ${maximum} is below initial ${initial}`);
    if (initial > MAX_TABLE_LENGTH) throw new RangeError(`Table: initial ${initial} exceeds the limit of ${MAX_TABLE_LENGTH}`);
    this.elemType = elemType;
    this.maximum = maximum;
    let init: bigint;
    if (internalInit !== null) {
      init = internalInit;
      internalInit = null;
    } else {
      init = this.#fromJS(value, arguments.length < 2);
    }
    this.#descriptor = allocCell();
    this.#length = initial;
    this.#region = allocData(initial * 8);
    this.#elements = new BigUint64Array(this.#region.buffer, 0, initial);
    if (init !== 0n) this.#elements.fill(init);
    this.#publish();
  }

  /** @internal A table a module defines: all elements ref.null. */
  static create(elemType: ValType, initial: number, maximum: number | undefined): Table {
    internalInit = 0n;
    try {
      return new Table({ element: elemType === ValType.FuncRef ? 'anyfunc' : 'externref', initial, maximum });
    } finally {
      internalInit = null;
    }
  }

  get length(): number {
    return this.#length;
  }

  get(index: number): unknown {
    const i = this.#index(index, 'get');
    return refToJS(this.elemType, Number(this.#elements[i]!));
  }

  set(index: number, value?: unknown): void {
    const i = this.#index(index, 'set');
    this.#elements[i] = this.#fromJS(value, arguments.length < 2);
  }

  /** Grows by `delta` elements (set to `value`); returns the old length. */
  grow(delta: number, value?: unknown): number {
    const d = enforceU32(delta, 'Table.grow(): delta');
    const init = this.#fromJS(value, arguments.length < 2);
    const old = this.growRaw(d, init);
    if (old < 0) throw new RangeError(`Table.grow(): cannot grow a table of ${this.#length} by ${d}`);
    return old;
  }

  /** @internal Address of the TableDescriptor generated code reads. */
  get descriptorAddress(): number {
    return this.#descriptor.address;
  }

  /** @internal The elements (raw wasm bits); replaced by every grow. */
  get elements(): BigUint64Array {
    return this.#elements;
  }

  /** @internal table.grow: the old length, or -1 past the maximum or the limit. */
  growRaw(delta: number, init: bigint): number {
    const old = this.#length;
    const length = old + delta;
    if (length > (this.maximum ?? MAX_TABLE_LENGTH) || length > MAX_TABLE_LENGTH) return -1;
    if (delta === 0) return old;
    let region: DataRegion;
    try {
      region = allocData(length * 8);
    } catch {
      return -1;
    }
    const elements = new BigUint64Array(region.buffer, 0, length);
    elements.set(this.#elements);
    if (init !== 0n) elements.fill(init, old);
    const previous = this.#region;
    this.#region = region;
    this.#elements = elements;
    this.#length = length;
    this.#publish();
    // No code holds the old array across a grow (see the file comment), and no JS view of
    // it escapes this class.
    previous.free();
    return old;
  }

  #publish(): void {
    const { view, offset } = this.#descriptor;
    view.setBigUint64(offset + TableDescriptor.Elements, BigInt(this.#region.address), true);
    view.setBigUint64(offset + TableDescriptor.Length, BigInt(this.#length), true);
  }

  #index(index: number, what: string): number {
    const i = enforceU32(index, `Table.${what}(): index`);
    if (i >= this.#length) throw new RangeError(`Table.${what}(): index ${i} out of bounds (length ${this.#length})`);
    return i;
  }

  /** A JS value as raw element bits; a missing value is DefaultValue (null, or undefined for externref). */
  #fromJS(value: unknown, missing: boolean): bigint {
    if (missing && this.elemType === ValType.FuncRef) return 0n;
    return BigInt(refFromJS(this.elemType, value));
  }
}
