// i8x16.shuffle: the 16 lane indices pick bytes of a (0..15) and b (16..31). The general
// form is one pshufb per source and a por (three instructions and two constant loads), but
// compilers emit shuffles with much more structure — whole 32- or 64-bit lanes, interleaves,
// byte rotations across the pair, blends that keep every byte in place — and each of those
// is one instruction. The patterns are tried from the most specific; the plan is a pure
// function of the 16 indices (planShuffle), so it is tested without emitting code.
import { SIMD, type SimdOp } from '../../x64/simd-ops.js';
import type { Xmm } from '../masm/registers.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { constMem, pushV128 } from './simd-values.js';
import { isXmm, popSrcReg, releaseSrc } from './simd-operands.js';
import { RegClass } from '../reg-class.js';
import { ALLOCATABLE_XMMS } from '../regalloc.js';

/** Which operand an instruction reads: the shuffle's first (a) or second (b) input. */
export type Side = 'a' | 'b';

export type ShufflePlan =
  /** The result is one input unchanged. */
  | { kind: 'copy'; src: Side }
  /** dst = op(src, imm): pshufd, pshuflw, pshufhw. */
  | { kind: 'unary'; op: SimdOp; src: Side; imm: number }
  /** dst = op(src1, src2[, imm]): unpacks, shufps/shufpd, blends, palignr. */
  | { kind: 'binary'; op: SimdOp; src1: Side; src2: Side; imm?: number }
  /** pshufb of one input by a constant control. */
  | { kind: 'pshufb'; src: Side; control: bigint }
  /** Two pshufbs (the other input's bytes zeroed) and a por. */
  | { kind: 'general' };

/** lanes[i] for i in [from, from + n) are consecutive: start, start+1, ... */
function run(lanes: readonly number[], from: number, n: number): boolean {
  for (let i = 1; i < n; i++) if (lanes[from + i] !== lanes[from] + i) return false;
  return true;
}

/** The lanes as `size`-byte units (index 0..31 / size), or null when some unit is split. */
function units(lanes: readonly number[], size: number): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < 16; i += size) {
    if (lanes[i]! % size !== 0 || !run(lanes, i, size)) return null;
    out.push(lanes[i]! / size);
  }
  return out;
}

/** A single-input shuffle (every index of one side, given as 0..15). */
function planOne(l: readonly number[], src: Side): ShufflePlan {
  const d = units(l, 4);
  if (d) {
    if (d[0] === 0 && d[1] === 1 && d[2] === 2 && d[3] === 3) return { kind: 'copy', src };
    return { kind: 'unary', op: SIMD.pshufd, src, imm: d[0]! | (d[1]! << 2) | (d[2]! << 4) | (d[3]! << 6) };
  }
  const w = units(l, 2);
  if (w) {
    const lowKept = w[0] === 0 && w[1] === 1 && w[2] === 2 && w[3] === 3;
    const highKept = w[4] === 4 && w[5] === 5 && w[6] === 6 && w[7] === 7;
    if (highKept && w.slice(0, 4).every((x) => x < 4)) {
      return { kind: 'unary', op: SIMD.pshuflw, src, imm: w[0]! | (w[1]! << 2) | (w[2]! << 4) | (w[3]! << 6) };
    }
    if (lowKept && w.slice(4).every((x) => x >= 4)) {
      const h = w.slice(4).map((x) => x - 4);
      return { kind: 'unary', op: SIMD.pshufhw, src, imm: h[0]! | (h[1]! << 2) | (h[2]! << 4) | (h[3]! << 6) };
    }
  }
  let control = 0n;
  for (let i = 15; i >= 0; i--) control = (control << 8n) | BigInt(l[i]!);
  return { kind: 'pshufb', src, control };
}

/** Interleaves: unit i of the low or high half of x, then of y, alternately. */
const UNPACK_LO: Record<number, SimdOp> = { 1: SIMD.punpcklbw, 2: SIMD.punpcklwd, 4: SIMD.punpckldq, 8: SIMD.punpcklqdq };
const UNPACK_HI: Record<number, SimdOp> = { 1: SIMD.punpckhbw, 2: SIMD.punpckhwd, 4: SIMD.punpckhdq, 8: SIMD.punpckhqdq };

function planUnpack(l: readonly number[]): ShufflePlan | null {
  for (const size of [8, 4, 2, 1]) {
    const u = units(l, size);
    if (!u) continue;
    const per = 16 / size; // units per input
    const half = per / 2;
    for (const [first, second] of [['a', 'b'], ['b', 'a']] as const) {
      const base = (s: Side): number => (s === 'a' ? 0 : per);
      for (const hi of [false, true]) {
        const start = hi ? half : 0;
        let ok = true;
        for (let k = 0; k < half && ok; k++) {
          ok = u[2 * k] === base(first) + start + k && u[2 * k + 1] === base(second) + start + k;
        }
        if (ok) return { kind: 'binary', op: (hi ? UNPACK_HI : UNPACK_LO)[size]!, src1: first, src2: second };
      }
    }
    return null; // a larger unit that matched no interleave will not match as smaller ones either
  }
  return null;
}

/** Every unit stays in its position, from a or b: a blend. */
function planBlend(l: readonly number[]): ShufflePlan | null {
  const d = units(l, 4);
  if (d && d.every((x, i) => x % 4 === i)) {
    let imm = 0;
    d.forEach((x, i) => { if (x >= 4) imm |= 1 << i; });
    return { kind: 'binary', op: SIMD.blendps, src1: 'a', src2: 'b', imm };
  }
  const w = units(l, 2);
  if (w && w.every((x, i) => x % 8 === i)) {
    let imm = 0;
    w.forEach((x, i) => { if (x >= 8) imm |= 1 << i; });
    return { kind: 'binary', op: SIMD.pblendw, src1: 'a', src2: 'b', imm };
  }
  return null;
}

/** Two lanes from the first operand, two from the second (shufps), or one qword each (shufpd). */
function planShufps(l: readonly number[]): ShufflePlan | null {
  const q = units(l, 8);
  if (q) {
    for (const [x, y] of [['a', 'b'], ['b', 'a']] as const) {
      const off = (s: Side): number => (s === 'a' ? 0 : 2);
      const lo = q[0]! - off(x);
      const hi = q[1]! - off(y);
      if (lo >= 0 && lo < 2 && hi >= 0 && hi < 2) return { kind: 'binary', op: SIMD.shufpd, src1: x, src2: y, imm: lo | (hi << 1) };
    }
  }
  const d = units(l, 4);
  if (d) {
    for (const [x, y] of [['a', 'b'], ['b', 'a']] as const) {
      const off = (s: Side): number => (s === 'a' ? 0 : 4);
      const p = [d[0]! - off(x), d[1]! - off(x), d[2]! - off(y), d[3]! - off(y)];
      if (p.every((v) => v >= 0 && v < 4)) {
        return { kind: 'binary', op: SIMD.shufps, src1: x, src2: y, imm: p[0]! | (p[1]! << 2) | (p[2]! << 4) | (p[3]! << 6) };
      }
    }
  }
  return null;
}

/** Sixteen consecutive bytes of a||b (or b||a): palignr (high, low, byte count). */
function planAlign(l: readonly number[]): ShufflePlan | null {
  const k = l[0]!;
  for (let i = 1; i < 16; i++) if (l[i] !== ((k + i) & 31)) return null;
  if (k === 0 || k === 16) return null; // a whole input: planOne's
  // Bytes k.. of low||high: palignr high, low, k (its destination is the high part).
  return k < 16
    ? { kind: 'binary', op: SIMD.palignr, src1: 'b', src2: 'a', imm: k }
    : { kind: 'binary', op: SIMD.palignr, src1: 'a', src2: 'b', imm: k - 16 };
}

/** The cheapest sequence for shuffle `lanes` (16 indices, each 0..31). */
export function planShuffle(lanes: readonly number[]): ShufflePlan {
  if (lanes.every((x) => x < 16)) return planOne(lanes, 'a');
  if (lanes.every((x) => x >= 16)) return planOne(lanes.map((x) => x - 16), 'b');
  return planUnpack(lanes) ?? planBlend(lanes) ?? planShufps(lanes) ?? planAlign(lanes) ?? { kind: 'general' };
}

/** pshufb control for one source of a shuffle: its lanes, 0x80 (zero) for the other's. */
function pickMask(lanes: readonly number[], fromSecond: boolean): bigint {
  let v = 0n;
  for (let i = 15; i >= 0; i--) {
    const l = lanes[i]!;
    const mine = fromSecond ? l >= 16 : l < 16;
    v = (v << 8n) | BigInt(mine ? l & 15 : 0x80);
  }
  return v;
}

const TEMPORARY = new Set<number>(ALLOCATABLE_XMMS);

export function shuffleLanes(fc: FunctionCompiler, lanes: readonly number[]): void {
  const s = fc.simd;
  const plan = planShuffle(lanes);
  // Both inputs in registers, read only when they are homes (never written below).
  const b = popSrcReg(fc);
  const a = popSrcReg(fc, 1 << b);
  const reg = (x: Side): Xmm => (x === 'a' ? a : b);
  const mine = (x: Xmm): boolean => isXmm(x) && TEMPORARY.has(x);
  const pins = (1 << a) | (1 << b);
  /** The result register: `pref` when it is a temporary (and may be written), else a fresh one. */
  const dstFor = (pref: Xmm, avoid: Xmm | -1): Xmm => (mine(pref) && pref !== avoid ? pref : fc.allocXmm(pins));
  let dst: Xmm;
  switch (plan.kind) {
    case 'copy':
      dst = dstFor(reg(plan.src), -1);
      s.mov(dst, reg(plan.src));
      break;
    case 'unary':
      dst = dstFor(reg(plan.src), -1);
      s.un(plan.op, dst, reg(plan.src), plan.imm);
      break;
    case 'pshufb':
      dst = dstFor(reg(plan.src), -1);
      s.bin(SIMD.pshufb, dst, reg(plan.src), constMem(fc, plan.control));
      break;
    case 'binary': {
      const x = reg(plan.src1);
      const y = reg(plan.src2);
      // SSE writes its first source: the destination may not be the second (SimdAsm.bin).
      dst = dstFor(x, s.avx ? -1 : y);
      s.bin(plan.op, dst, x, y, plan.imm);
      break;
    }
    case 'general': {
      dst = dstFor(a, b);
      s.bin(SIMD.pshufb, dst, a, constMem(fc, pickMask(lanes, false)));
      const t = mine(b) ? b : fc.allocXmm(pins | (1 << dst));
      s.bin(SIMD.pshufb, t, b, constMem(fc, pickMask(lanes, true)));
      s.bin(SIMD.por, dst, dst, t);
      if (t !== b) fc.ra.free(RegClass.Xmm, t);
      break;
    }
  }
  if (a !== dst) releaseSrc(fc, a);
  if (b !== dst && b !== a) releaseSrc(fc, b);
  pushV128(fc, dst);
}
