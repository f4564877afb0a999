// Global: a wasm global shaped like WebAssembly.Global. Its value lives in a 16-byte native
// cell (native-cells.ts) that generated code reads and writes directly, so one Global
// exported by an instance and imported by others is one cell: a mutation by any of them, or
// from JS through `value`, is seen by all. i32/f32 use the cell's low 4 bytes; references
// are stored as their raw wasm bits (refs.ts).
import { ValType } from '@wasmjit/codegen';
import { allocCell, type Cell } from './native-cells.js';
import { refFromJS, refToJS } from './refs.js';
import { toF32, toF64, toI32, toI64 } from './js-values.js';

export type GlobalValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'externref' | 'anyfunc' | 'funcref';

export interface GlobalDescriptor {
  value: GlobalValueType;
  mutable?: boolean;
}

const TYPES: Record<string, ValType> = {
  i32: ValType.I32, i64: ValType.I64, f32: ValType.F32, f64: ValType.F64,
  externref: ValType.ExternRef, anyfunc: ValType.FuncRef, funcref: ValType.FuncRef,
};

/** Set by fromCell for the one constructor call it makes: that Global adopts this cell. */
let adoptCell: Cell | null = null;

export class Global {
  /** @internal The value's wasm type. */
  readonly type: ValType;
  /** @internal */
  readonly mutable: boolean;
  readonly #cell: Cell;

  constructor(descriptor: GlobalDescriptor, v?: unknown) {
    if (typeof descriptor !== 'object' || descriptor === null) {
      throw new TypeError('Global: argument 0 must be a global descriptor');
    }
    const type = TYPES[String(descriptor.value)];
    if (type === undefined) throw new TypeError(`Global: unknown value type ${String(descriptor.value)}`);
    this.type = type;
    this.mutable = Boolean(descriptor.mutable);
    if (adoptCell) {
      this.#cell = adoptCell;
      adoptCell = null;
      return;
    }
    this.#cell = allocCell();
    // A missing value is DefaultValue: 0, null for funcref, undefined for externref.
    if (v === undefined && type !== ValType.ExternRef) return;
    this.#write(v);
  }

  /** @internal A Global over an existing cell (a global a module defines). */
  static fromCell(type: ValType, mutable: boolean, cell: Cell): Global {
    const name = Object.keys(TYPES).find((k) => TYPES[k] === type) as GlobalValueType;
    adoptCell = cell;
    return new Global({ value: name, mutable });
  }

  /** @internal Address of the cell generated code uses. */
  get cellAddress(): number {
    return this.#cell.address;
  }

  /** @internal The raw 64 bits in the cell (i32/f32: the low 32, zero-extended). */
  get raw(): bigint {
    const { view, offset } = this.#cell;
    const bits = view.getBigUint64(offset, true);
    return this.type === ValType.I32 || this.type === ValType.F32 ? bits & 0xffff_ffffn : bits;
  }

  get value(): unknown {
    const { view, offset } = this.#cell;
    switch (this.type) {
      case ValType.I32: return view.getInt32(offset, true);
      case ValType.I64: return view.getBigInt64(offset, true);
      case ValType.F32: return view.getFloat32(offset, true);
      case ValType.F64: return view.getFloat64(offset, true);
      default: return refToJS(this.type, Number(view.getBigUint64(offset, true)));
    }
  }

  set value(v: unknown) {
    if (!this.mutable) throw new TypeError('Global: cannot set the value of an immutable global');
    this.#write(v);
  }

  valueOf(): unknown {
    return this.value;
  }

  #write(v: unknown): void {
    const { view, offset } = this.#cell;
    switch (this.type) {
      case ValType.I32: view.setBigUint64(offset, BigInt(toI32(v) >>> 0), true); return;
      case ValType.I64: view.setBigInt64(offset, toI64(v), true); return;
      case ValType.F32: view.setFloat32(offset, toF32(v), true); return;
      case ValType.F64: view.setFloat64(offset, toF64(v), true); return;
      default: view.setBigUint64(offset, BigInt(refFromJS(this.type, v)), true);
    }
  }
}
