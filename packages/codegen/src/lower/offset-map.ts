// Code offset → wasm byte offset, for trap backtraces.
//
// Always on, so it has to be cheap: one entry per operator that emitted code (operators that
// only push lazy values share the next one's entry) plus one per out-of-line trap stub, kept
// in two growable typed arrays. Entries are appended in code order — functions are emitted
// one after another and each function's trap stubs follow its body — so the finished table
// is sorted by code offset and a lookup is a binary search.
//
// An address maps to the last entry at or before it. Callers pass `address - 1` for return
// addresses (and for trap-site addresses, which are return addresses of the stub's call), so
// the `call` instruction itself is what gets looked up.

export interface OffsetMap {
  /** Code offsets, ascending (strictly). */
  readonly code: Uint32Array;
  /** wasm byte offset (from the start of the module) of the code starting at code[i]. */
  readonly wasm: Uint32Array;
}

export class OffsetMapBuilder {
  private code: Uint32Array<ArrayBuffer>;
  private wasm: Uint32Array<ArrayBuffer>;
  private n = 0;

  /** `capacity`: entries expected (the arrays grow past it when needed). */
  constructor(capacity = 1024) {
    this.code = new Uint32Array(Math.max(16, capacity));
    this.wasm = new Uint32Array(Math.max(16, capacity));
  }

  /** Code from `codeOffset` on (until the next entry) belongs to wasm offset `wasmOffset`. */
  record(codeOffset: number, wasmOffset: number): void {
    const n = this.n;
    if (n > 0) {
      const last = this.code[n - 1]!;
      // Nothing was emitted since the previous entry: the newer operator owns that code.
      if (last === codeOffset) {
        this.wasm[n - 1] = wasmOffset;
        return;
      }
      if (last > codeOffset) throw new Error(`BUG: offset map entry at ${codeOffset} after ${last}`);
    }
    if (n === this.code.length) {
      this.code = grow(this.code);
      this.wasm = grow(this.wasm);
    }
    this.code[n] = codeOffset;
    this.wasm[n] = wasmOffset;
    this.n = n + 1;
  }

  /**
   * Append another map's entries with their code offsets moved up by `base` (a chunk placed
   * at `base`, see link-chunks.ts), as if each had been recorded here in order.
   */
  append(code: Uint32Array, wasm: Uint32Array, base: number): void {
    if (code.length === 0) return;
    // The first entry may meet this map's last one at the same offset; the rest cannot.
    this.record(base + code[0]!, wasm[0]!);
    const m = code.length - 1;
    while (this.n + m > this.code.length) {
      this.code = grow(this.code);
      this.wasm = grow(this.wasm);
    }
    for (let i = 1; i <= m; i++) this.code[this.n + i - 1] = base + code[i]!;
    this.wasm.set(wasm.subarray(1), this.n);
    this.n += m;
  }

  finish(): OffsetMap {
    // Views, not trimmed copies: the arrays' spare capacity was never written, so it costs
    // address space rather than memory, and a copy would hold the table twice for a while
    // (peak RSS). The builder is done with them.
    const n = this.n;
    return { code: this.code.subarray(0, n), wasm: this.wasm.subarray(0, n) };
  }
}

function grow(a: Uint32Array): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * The wasm offset of the code at `codeOffset`, or -1 when no entry at or before it lies at or
 * after `floor` (pass the function's entry offset, so an address is never attributed to the
 * previous function).
 */
export function lookupWasmOffset(map: OffsetMap, codeOffset: number, floor = 0): number {
  const { code } = map;
  let lo = 0;
  let hi = code.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (code[mid]! <= codeOffset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (found < 0 || code[found]! < floor) return -1;
  return map.wasm[found]!;
}

/**
 * The wasm offset a function's prologue (its stack check) reports: the start of the body
 * entry just after its size field, i.e. the locals declarations — what V8 reports too.
 */
export function functionStartOffset(bytes: Uint8Array, bodyEntryOffset: number): number {
  let p = bodyEntryOffset;
  while (p < bytes.length && (bytes[p]! & 0x80) !== 0) p++;
  return p + 1;
}
