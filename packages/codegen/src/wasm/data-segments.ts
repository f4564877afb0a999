// The data segments of a decoded module as columns of numbers about the module's bytes.
// Toolchains emit up to hundreds of thousands of segments (esbuild.wasm, a Go program, has
// 98,450): an object per segment, kept alive by the module, made decoding mostly
// garbage-collector work (about 100 ms of a cold decode of esbuild.wasm was scavenges copying
// them). Validation and instantiation read the table; `WasmModule.datas` builds the segment
// objects only when something asks for them.

import { BinaryReader, type DecodeOptions } from './reader.js';
import { readConstExpr } from './const-expr.js';
import type { ConstExpr, DataSegment, WasmModule } from './types.js';

export class DataSegmentTable {
  count = 0;
  /** The segments as objects, once WasmModule.datas has been asked for them. */
  objects: DataSegment[] | undefined;
  /** Memory index (active segments). */
  memory: Uint32Array;
  /** Where the offset expression starts, or -1 (passive). */
  offsetAt: Float64Array;
  /** The offset when its expression is a lone i32.const (as a u32), else NaN. */
  constOffset: Float64Array;
  /** Where the segment's bytes start, and how many there are. */
  start: Float64Array;
  length: Float64Array;

  constructor(readonly source: Uint8Array, capacity: number) {
    const n = Math.max(capacity, 4);
    this.memory = new Uint32Array(n);
    this.offsetAt = new Float64Array(n);
    this.constOffset = new Float64Array(n);
    this.start = new Float64Array(n);
    this.length = new Float64Array(n);
  }

  /** Makes room for n more segments. */
  reserve(n: number): void {
    while (this.memory.length < this.count + n) this.grow(this.count + n);
  }

  push(memory: number, offsetAt: number, constOffset: number | undefined, start: number, length: number): void {
    const i = this.count;
    if (i === this.memory.length) this.grow();
    this.memory[i] = memory;
    this.offsetAt[i] = offsetAt;
    this.constOffset[i] = constOffset ?? NaN;
    this.start[i] = start;
    this.length[i] = length;
    this.count = i + 1;
  }

  private grow(atLeast = 0): void {
    const n = Math.max(this.memory.length * 2, atLeast);
    const copy = <T extends Uint32Array | Float64Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.memory = copy(this.memory, new Uint32Array(n));
    this.offsetAt = copy(this.offsetAt, new Float64Array(n));
    this.constOffset = copy(this.constOffset, new Float64Array(n));
    this.start = copy(this.start, new Float64Array(n));
    this.length = copy(this.length, new Float64Array(n));
  }

  isActive(i: number): boolean {
    return this.offsetAt[i]! >= 0;
  }

  /** The lone-i32.const offset of segment i, or undefined. */
  constOffsetOf(i: number): number | undefined {
    const c = this.constOffset[i]!;
    return c === c ? c : undefined;
  }

  /** Segment i's offset expression (decoded again: it was checked while decoding), or undefined if passive. */
  offsetExpr(i: number): ConstExpr | undefined {
    const at = this.offsetAt[i]!;
    if (at < 0) return undefined;
    const r = new BinaryReader(this.source, at);
    r.features = DECODED_FEATURES; // it decoded once, under whatever features were on
    return readConstExpr(r);
  }

  /** A view into the module's bytes, not a copy. */
  bytes(i: number): Uint8Array {
    const start = this.start[i]!;
    return this.source.subarray(start, start + this.length[i]!);
  }
}

const DECODED_FEATURES: DecodeOptions = Object.freeze({ extendedConst: true, exceptions: true });

/**
 * Gives m its table of data segments, which `m.datas` then presents as objects, built on
 * first access. The accessor's functions are shared by all modules, so that modules keep
 * sharing one shape (a closure per module would give each its own). The table itself is not
 * enumerable (modules compare by their segments).
 */
export function attachDataSegments(m: WasmModule, table: DataSegmentTable): void {
  Object.defineProperty(m, 'dataSegments', { value: table, enumerable: false, configurable: true, writable: true });
  Object.defineProperty(m, 'datas', DATAS_ACCESSOR);
}

const DATAS_ACCESSOR: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: WasmModule): DataSegment[] {
    const table = this.dataSegments!;
    return (table.objects ??= Array.from({ length: table.count }, (_, i) => new TableDataSegment(table, i)));
  },
  set(this: WasmModule, value: DataSegment[]) {
    Object.defineProperty(this, 'datas', { value, enumerable: true, configurable: true, writable: true });
  },
};

/** Number of data segments, without building their objects. */
export function dataSegmentCount(m: WasmModule): number {
  return m.dataSegments?.count ?? m.datas.length;
}

/** One row of a table, as the DataSegment interface presents it. */
class TableDataSegment implements DataSegment {
  readonly mode: 'active' | 'passive';
  readonly memory: number;
  readonly constOffset: number | undefined;

  constructor(private readonly table: DataSegmentTable, private readonly index: number) {
    this.mode = table.isActive(index) ? 'active' : 'passive';
    this.memory = table.memory[index]!;
    this.constOffset = table.constOffsetOf(index);
  }

  get offset(): ConstExpr | undefined {
    return this.table.offsetExpr(this.index);
  }

  get bytes(): Uint8Array {
    return this.table.bytes(this.index);
  }
}
