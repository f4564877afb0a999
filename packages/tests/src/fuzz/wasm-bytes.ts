// Just enough of the binary format to cut a module into sections and to read or write
// LEB128 numbers at arbitrary positions: the mutators aim at structure (section sizes,
// counts, LEBs) and the differential harness appends exports. Tolerant by design: a
// malformed module still splits as far as its section headers make sense.

export function encodeU32(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** Unsigned LEB at `pos` (at most 10 bytes read), or undefined when it runs off the end. */
export function readLeb(bytes: Uint8Array, pos: number): { value: bigint; length: number } | undefined {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    const b = bytes[pos + i];
    if (b === undefined) return undefined;
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) return { value, length: i + 1 };
  }
  return undefined;
}

export interface Section {
  id: number;
  /** Offset of the id byte. */
  start: number;
  /** Offset of the payload (after the size LEB) and its length. */
  payload: number;
  size: number;
  /** Offset just past the section. */
  end: number;
}

/** The sections of a module, as far as their headers can be followed. */
export function splitSections(bytes: Uint8Array): Section[] {
  const out: Section[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos]!;
    const leb = readLeb(bytes, pos + 1);
    if (!leb || leb.length > 5) break;
    const payload = pos + 1 + leb.length;
    const size = Number(leb.value);
    const end = payload + size;
    if (end > bytes.length) break;
    out.push({ id, start: pos, payload, size, end });
    pos = end;
  }
  return out;
}

export function concat(parts: (Uint8Array | number[])[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function encodeName(s: string): number[] {
  const utf8 = new TextEncoder().encode(s);
  return [...encodeU32(utf8.length), ...utf8];
}

export function sectionBytes(id: number, payload: Uint8Array | number[]): Uint8Array {
  return concat([[id, ...encodeU32(payload.length)], payload]);
}
