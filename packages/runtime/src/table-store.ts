// The native side of a wasm table, which only the runtime sees (a Table, table.ts, is the JS
// face of one). Elements are raw wasm reference bits (refs.ts) in a native array that
// generated code indexes directly, found through a TableDescriptor { elements, length }
// (layout.ts) in a 16-byte native cell. Every instance using the table points at that one
// descriptor, so growing — reallocating the array and updating the descriptor — is seen by
// all of them at once. Generated code reloads the descriptor on every access, and no view of
// the array ever reaches a program, so the old array can be unmapped right away.
//
// The array has room beyond the length: a grow that needs a new one at least doubles the room
// (up to the maximum), as V8 does, and a grow within the room only writes the new elements
// and the length. Emscripten's dynamic linking (addFunction) grows a table by one element
// for every function it adds: with exact reallocations DuckDB's start copied its growing
// table ~20,000 times (6.2 s of a 17.6 s start, where V8 took 3 s in all).
//
// The elements belong to a reference domain (ref-domain.ts), which keeps alive every instance
// whose functions they may hold.
import { TableDescriptor, ValType } from '@wasmjit/codegen';
import { allocData, type DataRegion } from './code-memory.js';
import { allocCell, type Cell } from './native-cells.js';
import type { RefDomain } from './ref-domain.js';

/** Most elements a table may have (the JS API's implementation limit, as in V8). */
export const MAX_TABLE_LENGTH = 10_000_000;

export class TableStore {
  readonly #descriptor: Cell;
  #region: DataRegion;
  #elements: BigUint64Array;
  #length: number;

  /**
   * @param domain may be merged into another later (use its root)
   * @param init the raw bits every element starts as
   */
  constructor(
    /** funcref, externref, or a typed reference (a boundary type, typed-refs.ts). */
    readonly elemType: ValType,
    initial: number,
    readonly maximum: number | undefined,
    readonly domain: RefDomain,
    init: bigint,
    /** table64: indexed by i64 (builtins then read u64 arguments). */
    readonly is64 = false,
  ) {
    this.#descriptor = allocCell();
    this.#length = initial;
    this.#region = allocData(initial * 8);
    this.#elements = this.#view(initial);
    if (init !== 0n) this.#elements.fill(init);
    this.#publish();
  }

  get length(): number {
    return this.#length;
  }

  /** The elements (raw wasm bits). Replaced by every grow: never keep it across one. */
  get elements(): BigUint64Array {
    return this.#elements;
  }

  /** Address of the TableDescriptor generated code reads. */
  get descriptorAddress(): number {
    return this.#descriptor.address;
  }

  /** table.grow: the old length, or -1 past the maximum or the limit. */
  grow(delta: number, init: bigint): number {
    const old = this.#length;
    const length = old + delta;
    if (length > (this.maximum ?? MAX_TABLE_LENGTH) || length > MAX_TABLE_LENGTH) return -1;
    if (delta === 0) return old;
    if (length * 8 > this.#region.size) {
      const room = Math.max(length, Math.min(2 * (this.#region.size / 8), this.maximum ?? MAX_TABLE_LENGTH, MAX_TABLE_LENGTH));
      let region: DataRegion;
      try {
        region = allocData(room * 8);
      } catch {
        return -1;
      }
      new BigUint64Array(region.buffer, 0, old).set(this.#elements);
      const previous = this.#region;
      this.#region = region;
      previous.free();
    }
    // The room past the length is zero (nothing writes there), so only another init is written.
    this.#elements = this.#view(length);
    if (init !== 0n) this.#elements.fill(init, old);
    this.#length = length;
    this.#publish();
    return old;
  }

  /** The first `length` elements of the array. */
  #view(length: number): BigUint64Array {
    return new BigUint64Array(this.#region.buffer, 0, length);
  }

  #publish(): void {
    const { view, offset } = this.#descriptor;
    view.setBigUint64(offset + TableDescriptor.Elements, BigInt(this.#region.address), true);
    view.setBigUint64(offset + TableDescriptor.Length, BigInt(this.#length), true);
  }
}
