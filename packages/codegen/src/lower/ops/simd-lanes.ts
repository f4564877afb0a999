// v128.const, splats, lane extract/replace, i8x16.shuffle and i8x16.swizzle.
import { SIMD } from '../../x64/simd-ops.js';
import { ValType } from '../../wasm/types.js';
import type { BinaryReader } from '../../wasm/reader.js';
import { constVal, regVal } from '../value.js';
import type { Xmm } from '../masm/registers.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { shuffleLanes } from './simd-shuffle.js';
import { destFor, intoHome, nextHomedSet, popSrcReg, releaseSrc } from './simd-operands.js';
import { bit, constMem, constXmm, freeGpr, freeXmm, popGpr, popXmm, pushV128, splatBits, tempXmm } from './simd-values.js';

/** 16 immediate bytes, little-endian, as one unsigned 128-bit value. */
export function readV128(r: BinaryReader): bigint {
  let v = 0n;
  const at = r.pos;
  for (let i = 15; i >= 0; i--) v = (v << 8n) | BigInt(r.bytes[at + i]!);
  r.pos = at + 16;
  return v;
}

export function v128Const(fc: FunctionCompiler, r: BinaryReader): void {
  fc.push(constVal(ValType.V128, readV128(r)));
}

export type SplatShape = 'i8x16' | 'i16x8' | 'i32x4' | 'i64x2' | 'f32x4' | 'f64x2';

export function splat(fc: FunctionCompiler, shape: SplatShape, r?: BinaryReader): void {
  const s = fc.simd;
  if (shape === 'f32x4' || shape === 'f64x2') {
    // The scalar read in place (a homed f32/f64 local needs no copy); the result straight
    // into a homed v128 local when local.set/tee follows.
    const src = popSrcReg(fc);
    const local = nextHomedSet(fc, r);
    const x = local >= 0 ? intoHome(fc, local) : destFor(fc, src);
    if (shape === 'f32x4') s.bin(SIMD.shufps, x, src, src, 0);
    else s.un(SIMD.movddup, x, src);
    if (src !== x) releaseSrc(fc, src);
    fc.push(local >= 0 ? fc.localRef(local) : regVal(ValType.V128, x));
    return;
  }
  const g = popGpr(fc);
  const x = fc.allocXmm();
  fc.asm.movd_xr(shape === 'i64x2' ? 64 : 32, x, g);
  freeGpr(fc, g);
  switch (shape) {
    case 'i8x16': {
      const z = tempXmm(fc, bit(x));
      s.zero(z);
      s.bin(SIMD.pshufb, x, x, z);
      freeXmm(fc, z);
      break;
    }
    case 'i16x8':
      s.un(SIMD.pshuflw, x, x, 0);
      s.un(SIMD.pshufd, x, x, 0);
      break;
    case 'i32x4':
      s.un(SIMD.pshufd, x, x, 0);
      break;
    case 'i64x2':
      s.bin(SIMD.punpcklqdq, x, x, x);
      break;
  }
  pushV128(fc, x);
}

export type LaneShape = 'i8x16_s' | 'i8x16_u' | 'i16x8_s' | 'i16x8_u' | 'i32x4' | 'i64x2' | 'f32x4' | 'f64x2';

export function extractLane(fc: FunctionCompiler, shape: LaneShape, lane: number): void {
  const s = fc.simd;
  const a = fc.asm;
  const x = popXmm(fc);
  if (shape === 'f32x4' || shape === 'f64x2') {
    // The lane moves to lane 0 of the same register (the rest is don't-care for a scalar).
    if (lane !== 0) s.un(SIMD.pshufd, x, x, shape === 'f32x4' ? lane : 0xee);
    fc.push(regVal(shape === 'f32x4' ? ValType.F32 : ValType.F64, x));
    return;
  }
  const g = fc.allocGpr();
  switch (shape) {
    case 'i8x16_s':
    case 'i8x16_u':
      s.extract(SIMD.pextrb, g, x, lane);
      if (shape === 'i8x16_s') a.movsx_rr(32, 8, g, g);
      break;
    case 'i16x8_s':
    case 'i16x8_u':
      s.toGpr(SIMD.pextrw, g, x, lane);
      if (shape === 'i16x8_s') a.movsx_rr(32, 16, g, g);
      break;
    case 'i32x4':
      if (lane === 0) a.movd_rx(32, g, x);
      else s.extract(SIMD.pextrd, g, x, lane);
      break;
    case 'i64x2':
      if (lane === 0) a.movd_rx(64, g, x);
      else s.extract(SIMD.pextrq, g, x, lane);
      break;
  }
  freeXmm(fc, x);
  fc.push(regVal(shape === 'i64x2' ? ValType.I64 : ValType.I32, g));
}

export function replaceLane(fc: FunctionCompiler, shape: 'i8x16' | 'i16x8' | 'i32x4' | 'i64x2' | 'f32x4' | 'f64x2', lane: number): void {
  const s = fc.simd;
  if (shape === 'f32x4' || shape === 'f64x2') {
    const f = popXmm(fc);
    const x = popXmm(fc, bit(f));
    if (shape === 'f32x4') s.bin(SIMD.insertps, x, x, f, lane << 4);
    else if (lane === 0) s.bin(SIMD.blendpd, x, x, f, 1);
    else s.bin(SIMD.movlhps, x, x, f);
    freeXmm(fc, f);
    pushV128(fc, x);
    return;
  }
  const g = popGpr(fc);
  const x = popXmm(fc);
  const op = { i8x16: SIMD.pinsrb, i16x8: SIMD.pinsrw, i32x4: SIMD.pinsrd, i64x2: SIMD.pinsrq }[shape];
  s.insert(op, x, x, g, lane);
  freeGpr(fc, g);
  pushV128(fc, x);
}

export function shuffle(fc: FunctionCompiler, r: BinaryReader): void {
  const lanes: number[] = [];
  for (let i = 0; i < 16; i++) lanes.push(r.readU8());
  shuffleLanes(fc, lanes);
}

/** Lanes of the index beyond 15 select 0: a saturating add of 0x70 sets their top bit (pshufb's zero). */
export function swizzle(fc: FunctionCompiler): void {
  const s = fc.simd;
  const idx = popXmm(fc);
  const a = popXmm(fc, bit(idx));
  s.bin(SIMD.paddusb, idx, idx, constMem(fc, splatBits(8, 0x70n)));
  s.bin(SIMD.pshufb, a, a, idx);
  freeXmm(fc, idx);
  pushV128(fc, a);
}
