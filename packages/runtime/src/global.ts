// Global: a wasm global shaped like WebAssembly.Global. Its value lives in a 16-byte native
// cell (native-cells.ts) that generated code reads and writes directly, so one Global
// exported by an instance and imported by others is one cell: a mutation by any of them, or
// from JS through `value`, is seen by all. i32/f32 use the cell's low 4 bytes; references
// are stored as their raw wasm bits (refs.ts), in the global's reference domain
// (ref-domain.ts), which keeps alive every instance whose functions the value may be.
//
// The runtime reaches the cell, type and mutability only through globalSlot(), never through
// a property of the Global, which a program could replace or shadow. A value is converted
// (which may run JS: valueOf) before the cell is touched.
import { ValType } from '@wasmjit/codegen';
import { carrier, crossesAsRef } from './typed-refs.js';
import { allocCell, type Cell } from './native-cells.js';
import { RefDomain } from './ref-domain.js';
import { refFromJS, refToJS } from './refs.js';
import { toF32, toF64, toI32, toI64 } from './js-values.js';

export type GlobalValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'externref' | 'anyfunc' | 'funcref';

export interface GlobalDescriptor {
  value: GlobalValueType;
  mutable?: boolean;
}

/** What the runtime knows of a Global; never handed to a program. */
export interface GlobalSlot {
  readonly type: ValType;
  readonly mutable: boolean;
  readonly cell: Cell;
  /** Reference globals only; may have been merged into another since (use its root). */
  readonly domain: RefDomain | null;
}

const TYPES: Record<string, ValType> = {
  i32: ValType.I32, i64: ValType.I64, f32: ValType.F32, f64: ValType.F64,
  externref: ValType.ExternRef, anyfunc: ValType.FuncRef, funcref: ValType.FuncRef,
};

/** Set by fromCell for the one constructor call it makes: that Global adopts this cell and domain. */
let adopt: { cell: Cell; domain: RefDomain; type: ValType } | null = null;

/** funcref, externref, or a typed reference of theirs (a boundary type, typed-refs.ts). */
const isRef = (t: ValType) => crossesAsRef(t);

// Float bits of a converted f32/f64, written to the cell in one store after the conversion.
const floatBits = new DataView(new ArrayBuffer(8));

let slotOf: (g: unknown) => GlobalSlot | undefined;

/** The slot of a real Global (undefined for anything else, a Proxy of a Global included). */
export function globalSlot(g: unknown): GlobalSlot | undefined {
  return slotOf(g);
}

/** The raw bits in the cell (i32/f32: the low 32, zero-extended; v128: all 128). */
export function rawBits({ type, cell }: GlobalSlot): bigint {
  const bits = cell.view.getBigUint64(cell.offset, true);
  if (type === ValType.V128) return bits | (cell.view.getBigUint64(cell.offset + 8, true) << 64n);
  return type === ValType.I32 || type === ValType.F32 ? bits & 0xffff_ffffn : bits;
}

/**
 * A Global over an existing cell (a global a module defines, in its instance's domain).
 * Module-level, not a static method: called with a forged cell it would make generated
 * code read and write wherever the cell's address pointed.
 */
export function globalFromCell(type: ValType, mutable: boolean, cell: Cell, domain: RefDomain): Global {
  const carried = carrier(type);
  const name = (carried === ValType.V128 ? 'v128' : Object.keys(TYPES).find((k) => TYPES[k] === carried)) as GlobalValueType;
  adopt = { cell, domain, type };
  try {
    return new Global({ value: name, mutable });
  } finally {
    adopt = null;
  }
}

export class Global {
  readonly #slot: GlobalSlot;

  static {
    slotOf = (g) => (typeof g === 'object' && g !== null && #slot in g ? (g as Global).#slot : undefined);
  }

  constructor(descriptor: GlobalDescriptor, v?: unknown) {
    if (typeof descriptor !== 'object' || descriptor === null) {
      throw new TypeError('Global: argument 0 must be a global descriptor');
    }
    // Each property is read once, in the JS API's order (a getter may have side effects).
    const mutable = Boolean(descriptor.mutable);
    const value = String(descriptor.value);
    // v128 globals exist only as wasm's own (adopted cells): JS can't make one, as in V8.
    // An adopted cell keeps its wasm type (v128, or a typed reference of the module's).
    const type = adopt ? adopt.type : TYPES[value];
    if (type === undefined) throw new TypeError(`Global: unknown value type ${value}`);
    if (adopt) {
      this.#slot = { type, mutable, cell: adopt.cell, domain: isRef(type) ? adopt.domain : null };
      adopt = null;
      return;
    }
    const domain = isRef(type) ? new RefDomain() : null;
    // A missing value is DefaultValue: 0, null for funcref, undefined for externref.
    const bits = v === undefined && type !== ValType.ExternRef ? 0n : toBits(type, domain, v);
    const cell = allocCell();
    cell.view.setBigUint64(cell.offset, bits, true);
    this.#slot = { type, mutable, cell, domain };
  }

  get value(): unknown {
    const { type, cell: { view, offset }, domain } = this.#slot;
    switch (type) {
      case ValType.I32: return view.getInt32(offset, true);
      case ValType.I64: return view.getBigInt64(offset, true);
      case ValType.F32: return view.getFloat32(offset, true);
      case ValType.F64: return view.getFloat64(offset, true);
      case ValType.V128: throw new TypeError('Global: a v128 value cannot cross the JS boundary');
      default: return refToJS(type, Number(view.getBigUint64(offset, true)), domain!);
    }
  }

  set value(v: unknown) {
    const { type, mutable, cell, domain } = this.#slot;
    if (!mutable) throw new TypeError('Global: cannot set the value of an immutable global');
    if (type === ValType.V128) throw new TypeError('Global: a v128 value cannot cross the JS boundary');
    const bits = toBits(type, domain, v);
    cell.view.setBigUint64(cell.offset, bits, true);
  }

  valueOf(): unknown {
    return this.value;
  }
}

/** ToWebAssemblyValue: the cell's 64 bits for `v` (i32/f32 in the low 32, the rest zero). */
function toBits(type: ValType, domain: RefDomain | null, v: unknown): bigint {
  switch (type) {
    case ValType.I32: return BigInt(toI32(v) >>> 0);
    case ValType.I64: return BigInt.asUintN(64, toI64(v));
    case ValType.F32:
      floatBits.setFloat32(0, toF32(v), true);
      return BigInt(floatBits.getUint32(0, true));
    case ValType.F64:
      floatBits.setFloat64(0, toF64(v), true);
      return floatBits.getBigUint64(0, true);
    default: return BigInt(refFromJS(type, v, domain!));
  }
}
