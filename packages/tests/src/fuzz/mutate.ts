// Structure-aware mutations of valid modules, for the malformed-input fuzzer. Plain byte
// noise mostly dies at the first size check, so most operators aim at what decoders get
// wrong: LEB128 edge encodings, section sizes that lie, vector counts far beyond the
// bytes that follow (which must fail, not allocate), truncation, reordered or duplicated
// sections, and opcode swaps inside bodies (which reach the validator and the compiler).
import type { Rng } from './rng.js';
import { concat, encodeU32, readLeb, sectionBytes, splitSections, type Section } from './wasm-bytes.js';

/** LEB128 byte strings worth trying wherever a LEB is read. */
const LEB_EDGES: number[][] = [
  [0x00],
  [0x01],
  [0x7f],
  [0x40],
  [0x80, 0x01],
  [0x80, 0x00], // overlong zero
  [0x80, 0x80, 0x80, 0x80, 0x00], // 5-byte zero
  [0xff, 0xff, 0xff, 0xff, 0x0f], // u32 max
  [0xff, 0xff, 0xff, 0xff, 0x07], // i32 max
  [0x80, 0x80, 0x80, 0x80, 0x78], // i32 min (signed)
  [0xff, 0xff, 0xff, 0xff, 0x1f], // unused bits set in the 5th byte
  [0xff, 0xff, 0xff, 0xff, 0x7f], // signed -1 with every extra bit set
  [0x80, 0x80, 0x80, 0x80, 0x10], // 2^32: overflow
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x00], // 6 bytes: too long for u32
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], // u64 max
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], // 10 bytes, extra bits
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], // 11 bytes
  [0x80], // unterminated when it lands at the end
  [0x80, 0x80, 0x80],
];

/** Counts that are far larger than any module: must be rejected without allocating. */
const HUGE_COUNTS = [0x7fffffff, 0xffffffff, 0x10000000, 100_000_000, 1_000_000, 65536, 65537, 10_000_001];

/** Bytes that are structurally meaningful somewhere (end, block types, prefixes, types). */
const INTERESTING_BYTES = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x1a, 0x1b, 0x1c, 0x20, 0x21,
  0x22, 0x23, 0x24, 0x25, 0x26, 0x28, 0x36, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x60, 0x6f, 0x70, 0x7b, 0x7c,
  0x7d, 0x7e, 0x7f, 0x80, 0xd0, 0xd1, 0xd2, 0xfc, 0xfd, 0xfe, 0xff,
];

/** Opcodes to drop into function bodies (single-byte ones and 0xfc-prefixed pairs). */
const OPCODE_SEEDS: number[][] = [
  ...Array.from({ length: 0xc5 }, (_, i) => [i]),
  [0xd0, 0x70], [0xd0, 0x6f], [0xd1], [0xd2, 0x00],
  ...Array.from({ length: 18 }, (_, i) => [0xfc, i]),
  [0xfc, 0x80, 0x00], [0xfc, 0xff, 0xff, 0xff, 0xff, 0x0f],
];

export type Mutator = (bytes: Uint8Array, rng: Rng, donors: readonly Uint8Array[]) => Uint8Array;

function splice(bytes: Uint8Array, at: number, remove: number, insert: ArrayLike<number>): Uint8Array {
  return concat([bytes.subarray(0, at), Array.from(insert), bytes.subarray(Math.min(bytes.length, at + remove))]);
}

function randomPos(bytes: Uint8Array, rng: Rng, inclusiveEnd = false): number {
  const n = bytes.length + (inclusiveEnd ? 1 : 0);
  return n === 0 ? 0 : rng.below(n);
}

/** A position inside some section's payload (favouring structure), else anywhere. */
function structuredPos(bytes: Uint8Array, rng: Rng): number {
  const secs = splitSections(bytes).filter((s) => s.size > 0);
  if (secs.length === 0 || rng.oneIn(4)) return randomPos(bytes, rng);
  const s = rng.pick(secs);
  return s.payload + rng.below(s.size);
}

/** Rebuild a section with new payload and a correct size: keeps the rest of the module parseable. */
function replaceSection(bytes: Uint8Array, s: Section, payload: Uint8Array): Uint8Array {
  return concat([bytes.subarray(0, s.start), sectionBytes(s.id, payload), bytes.subarray(s.end)]);
}

/** Apply `inner` to one section's payload, then either fix the size (usually) or leave it lying. */
function withinSection(bytes: Uint8Array, rng: Rng, inner: (p: Uint8Array) => Uint8Array): Uint8Array | undefined {
  const secs = splitSections(bytes);
  if (secs.length === 0) return undefined;
  const s = rng.pick(secs);
  const payload = inner(bytes.slice(s.payload, s.end));
  if (rng.oneIn(5)) return concat([bytes.subarray(0, s.payload), payload, bytes.subarray(s.end)]);
  return replaceSection(bytes, s, payload);
}

const bitFlip: Mutator = (bytes, rng) => {
  const out = bytes.slice();
  if (out.length === 0) return out;
  const flips = rng.range(1, 4);
  for (let i = 0; i < flips; i++) out[structuredPos(out, rng)]! ^= 1 << rng.below(8);
  return out;
};

const byteSet: Mutator = (bytes, rng) => {
  const out = bytes.slice();
  if (out.length === 0) return out;
  out[structuredPos(out, rng)] = rng.oneIn(3) ? rng.below(256) : rng.pick(INTERESTING_BYTES);
  return out;
};

const insertBytes: Mutator = (bytes, rng) => {
  const n = rng.range(1, 16);
  const ins = rng.oneIn(2) ? Array.from(rng.bytes(n)) : Array.from({ length: n }, () => rng.pick(INTERESTING_BYTES));
  return rng.oneIn(2)
    ? withinSection(bytes, rng, (p) => splice(p, randomPos(p, rng, true), 0, ins)) ?? splice(bytes, randomPos(bytes, rng, true), 0, ins)
    : splice(bytes, randomPos(bytes, rng, true), 0, ins);
};

const deleteBytes: Mutator = (bytes, rng) => {
  const n = rng.range(1, 16);
  return rng.oneIn(2)
    ? withinSection(bytes, rng, (p) => splice(p, randomPos(p, rng), n, [])) ?? bytes
    : splice(bytes, randomPos(bytes, rng), n, []);
};

/** Replace the LEB starting at a plausible position with an edge encoding. */
const lebEdge: Mutator = (bytes, rng) => {
  const edge = rng.pick(LEB_EDGES);
  const viaSection = withinSection(bytes, rng, (p) => {
    // Payloads mostly start with a count, and most fields after it are LEBs too.
    const at = rng.oneIn(2) ? 0 : randomPos(p, rng);
    const old = readLeb(p, at);
    return splice(p, at, old ? old.length : 1, edge);
  });
  return viaSection ?? splice(bytes, structuredPos(bytes, rng), 1, edge);
};

/** Make a section's size field disagree with its contents. */
const sectionSizeLie: Mutator = (bytes, rng) => {
  const secs = splitSections(bytes);
  if (secs.length === 0) return splice(bytes, 8, 0, [rng.below(13), ...encodeU32(rng.u32())]);
  const s = rng.pick(secs);
  const choices = [0, s.size + 1, Math.max(0, s.size - 1), s.size + rng.range(2, 64), 0xffffffff, 0x7fffffff, rng.u32()];
  const size = rng.pick(choices);
  const enc = rng.oneIn(4) ? [...encodeU32(size).map((b) => b | 0x80), 0x00].slice(0, 5) : encodeU32(size);
  const sizeLen = s.payload - s.start - 1;
  return splice(bytes, s.start + 1, sizeLen, enc);
};

/** Overwrite a vector count (the first LEB of a section, or of the first function body). */
const hugeCount: Mutator = (bytes, rng) => {
  const secs = splitSections(bytes).filter((s) => s.id !== 0 && s.id !== 8 && s.size > 0);
  if (secs.length === 0) return bytes;
  const s = rng.pick(secs);
  const p = bytes.slice(s.payload, s.end);
  let at = 0;
  if (s.id === 10 && rng.oneIn(2)) {
    // Code section: the first body's local-group count, or its first group's count.
    const count = readLeb(p, 0);
    const bodySize = count && readLeb(p, count.length);
    if (bodySize) {
      at = count.length + bodySize.length;
      const groups = readLeb(p, at);
      if (groups && groups.value > 0n && rng.oneIn(2)) at += groups.length;
    }
  }
  const old = readLeb(p, at);
  const mutated = splice(p, at, old ? old.length : 0, encodeU32(rng.pick(HUGE_COUNTS)));
  return rng.oneIn(4) ? concat([bytes.subarray(0, s.payload), mutated, bytes.subarray(s.end)]) : replaceSection(bytes, s, mutated);
};

const truncate: Mutator = (bytes, rng) => bytes.slice(0, randomPos(bytes, rng));

/** Duplicate, drop, swap sections, or graft one from another module. */
const sectionShuffle: Mutator = (bytes, rng, donors) => {
  const secs = splitSections(bytes);
  const head = bytes.subarray(0, 8);
  const parts = secs.map((s) => bytes.subarray(s.start, s.end));
  const tail = bytes.subarray(secs.length ? secs[secs.length - 1]!.end : 8);
  switch (rng.below(4)) {
    case 0:
      if (parts.length) parts.splice(rng.below(parts.length), 0, rng.pick(parts));
      break;
    case 1:
      if (parts.length) parts.splice(rng.below(parts.length), 1);
      break;
    case 2:
      if (parts.length > 1) {
        const i = rng.below(parts.length);
        const j = rng.below(parts.length);
        [parts[i], parts[j]] = [parts[j]!, parts[i]!];
      }
      break;
    default: {
      const donor = donors.length ? rng.pick(donors) : bytes;
      const dsecs = splitSections(donor);
      if (dsecs.length === 0) break;
      const d = rng.pick(dsecs);
      const graft = donor.subarray(d.start, d.end);
      const same = parts.findIndex((_, k) => secs[k]!.id === d.id);
      if (same >= 0 && rng.oneIn(2)) parts[same] = graft;
      else parts.splice(rng.below(parts.length + 1), 0, graft);
    }
  }
  return concat([head, ...parts, tail]);
};

/** Put an opcode into a function body (code section, sizes fixed), reaching validation and codegen. */
const opcodeSwap: Mutator = (bytes, rng) => {
  const code = splitSections(bytes).find((s) => s.id === 10 && s.size > 2);
  if (!code) return byteSet(bytes, rng, []);
  const p = bytes.slice(code.payload, code.end);
  const count = readLeb(p, 0);
  if (!count || count.value === 0n) return bytes;
  // Walk to a random body so that its size can be fixed after the edit.
  const target = rng.below(Math.min(Number(count.value), 1000));
  let pos = count.length;
  for (let i = 0; i < target; i++) {
    const sz = readLeb(p, pos);
    if (!sz) return bytes;
    pos += sz.length + Number(sz.value);
  }
  const sz = readLeb(p, pos);
  if (!sz || sz.value === 0n || pos + sz.length + Number(sz.value) > p.length) return bytes;
  const bodyStart = pos + sz.length;
  const body = p.slice(bodyStart, bodyStart + Number(sz.value));
  const at = rng.below(Math.max(1, body.length - 1));
  const op = rng.pick(OPCODE_SEEDS);
  const newBody = rng.oneIn(2) ? splice(body, at, rng.range(0, 2), op) : splice(body, at, 0, op);
  const newP = concat([p.subarray(0, pos), encodeU32(newBody.length), newBody, p.subarray(bodyStart + body.length)]);
  return replaceSection(bytes, code, newP);
};

function encodeS64(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const I32_EDGES = [0n, 1n, -1n, 2n, 31n, 32n, 63n, 64n, 0x7fffffffn, -0x80000000n, 0xffffn, 0x10000n, -0x10000n, 0xfffen, 0x7fffn, -0x8000n, 255n, 256n];
const I64_EDGES = [...I32_EDGES, 0x7fffffffffffffffn, -0x8000000000000000n, 0xffffffffn, 0x100000000n, -0x100000000n, 0x80000000n];
const F32_EDGES = [0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00000, 0x00000001, 0x80000001, 0x7f7fffff, 0x4f000000, 0xcf000000, 0x5f000000, 0x3f000000, 0xbf800000];
const F64_EDGES = [0n, 0x8000000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff0000000000001n, 0x7ff4000000000000n, 1n, 0x7fefffffffffffffn, 0x41e0000000000000n, 0xc1e0000000000000n, 0x43e0000000000000n, 0xc3e0000000000000n, 0x3fe0000000000000n, 0x41dfffffffc00000n];
const MEM_OFFSETS = [0, 1, 3, 4, 7, 8, 0xffff, 0x10000, 0xfffc, 0xfff8, 0x7fffffff, 0x80000000, 0xfffffff8, 0xfffffffc, 0xffffffff];

function leBytes(v: bigint, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
}

/**
 * Rewrites a constant or a memory offset in some function body to an edge value. Most such
 * modules stay valid, so they reach the compiler's constant folding and bounds checks.
 * Instruction boundaries are guessed (an 0x41 byte may be an immediate), hence "most".
 */
const immediateEdge: Mutator = (bytes, rng) => {
  const code = splitSections(bytes).find((s) => s.id === 10 && s.size > 2);
  if (!code) return bytes;
  const p = bytes.slice(code.payload, code.end);
  const sites: number[] = [];
  for (let i = 1; i < p.length; i++) {
    const b = p[i]!;
    if ((b >= 0x41 && b <= 0x44) || (b >= 0x28 && b <= 0x3e)) sites.push(i);
  }
  if (sites.length === 0) return bytes;
  const at = rng.pick(sites);
  const op = p[at]!;
  let edited: Uint8Array | undefined;
  if (op === 0x41 || op === 0x42) {
    const old = readLeb(p, at + 1);
    if (!old) return bytes;
    const v = rng.oneIn(4) ? BigInt.asIntN(op === 0x41 ? 32 : 64, rng.u64()) : rng.pick(op === 0x41 ? I32_EDGES : I64_EDGES);
    edited = splice(p, at + 1, old.length, encodeS64(v));
  } else if (op === 0x43) {
    edited = splice(p, at + 1, 4, leBytes(BigInt(rng.pick(F32_EDGES)), 4));
  } else if (op === 0x44) {
    edited = splice(p, at + 1, 8, leBytes(rng.pick(F64_EDGES), 8));
  } else {
    const align = readLeb(p, at + 1);
    const off = align && readLeb(p, at + 1 + align.length);
    if (!align || !off) return bytes;
    edited = splice(p, at + 1 + align.length, off.length, encodeU32(rng.pick(MEM_OFFSETS)));
  }
  // Keep every body size right: re-encode the body that contains `at`.
  const count = readLeb(p, 0);
  if (!count) return bytes;
  let pos = count.length;
  const delta = edited.length - p.length;
  for (let i = 0; i < Number(count.value) && pos < p.length; i++) {
    const sz = readLeb(p, pos);
    if (!sz) return bytes;
    const bodyStart = pos + sz.length;
    const bodyEnd = bodyStart + Number(sz.value);
    if (at >= bodyStart && at < bodyEnd) {
      const fixed = concat([edited.subarray(0, pos), encodeU32(Number(sz.value) + delta), edited.subarray(bodyStart)]);
      return replaceSection(bytes, code, fixed);
    }
    pos = bodyEnd;
  }
  return bytes;
};

const MUTATORS: [weight: number, m: Mutator][] = [
  [8, immediateEdge],
  [3, bitFlip],
  [2, byteSet],
  [2, insertBytes],
  [2, deleteBytes],
  [4, lebEdge],
  [2, sectionSizeLie],
  [3, hugeCount],
  [1, truncate],
  [2, sectionShuffle],
  [5, opcodeSwap],
];
const TOTAL_WEIGHT = MUTATORS.reduce((n, [w]) => n + w, 0);

/** One to four stacked mutations of `seed`. */
export function mutate(seed: Uint8Array, rng: Rng, donors: readonly Uint8Array[]): Uint8Array {
  let out = seed;
  const rounds = rng.oneIn(2) ? 1 : rng.range(2, 4);
  for (let i = 0; i < rounds; i++) {
    let w = rng.below(TOTAL_WEIGHT);
    for (const [weight, m] of MUTATORS) {
      if (w < weight) {
        out = m(out, rng, donors);
        break;
      }
      w -= weight;
    }
  }
  return out;
}
