// The SSE/AVX instructions wasm SIMD lowers to, one row each (SDM Vol. 2B instruction pages).
// A row gives the legacy SSE encoding — implied prefix, opcode map, opcode — from which
// simd.ts also derives the VEX (AVX) form: the same prefix, map and opcode, with the prefix
// and escape bytes folded into VEX and, for two-source forms, the first source in VEX.vvvv.
// Rows marked vexOnly exist only in VEX form (FMA, AVX2 broadcasts, 4-operand blends).

import type { SimdMap, SimdPrefix } from './vex.js';

/** The extension an encoding needs (V8 requires SSE4.1 for wasm SIMD; AVX is optional). */
export const enum Isa { Sse2, Sse3, Ssse3, Sse41, Sse42, Avx, Avx2, Fma }

/** How a row's operands map onto ModRM / VEX.vvvv. */
export const enum SimdForm {
  /** dst op= src (legacy); dst = src1 op src2 with src1 in VEX.vvvv. */
  Binary,
  /** dst = f(src); VEX.vvvv unused. */
  Unary,
  /** mem = src: the xmm in ModRM.reg, the memory in ModRM.rm. */
  Store,
  /** Shift by an immediate: the register in ModRM.rm, `digit` in ModRM.reg (VEX: dst in vvvv). */
  ShiftImm,
  /** A general register destination in ModRM.reg, the xmm source in ModRM.rm (movemasks). */
  ToGpr,
  /** Lane extract: the xmm source in ModRM.reg, a general register or memory in ModRM.rm. */
  Extract,
  /** Lane insert: the xmm destination in ModRM.reg, a general register or memory in ModRM.rm. */
  Insert,
  /** SSE4.1 variable blend with the mask implicitly in xmm0. */
  BlendXmm0,
  /** AVX variable blend: dst, src1 (vvvv), src2 (rm), the mask register in imm8[7:4]. */
  VexBlend,
}

export interface SimdOp {
  /** The SSE mnemonic (objdump's); the VEX form is "v" + it unless vexOnly. */
  readonly mnemonic: string;
  readonly prefix: SimdPrefix;
  readonly map: SimdMap;
  readonly opcode: number;
  readonly isa: Isa;
  readonly form: SimdForm;
  /** Takes an imm8 (a shuffle, compare predicate, rounding mode or lane). */
  readonly imm: boolean;
  /** REX.W / VEX.W (64-bit lanes of pinsrq/pextrq, FMA's pd forms). */
  readonly w: boolean;
  /** The /digit of a ShiftImm row. */
  readonly digit: number;
  readonly vexOnly: boolean;
  /** 'reg' or 'mem' when the encoding means another instruction with the other operand kind. */
  readonly only?: 'reg' | 'mem';
}

interface Extra {
  imm?: boolean;
  w?: boolean;
  digit?: number;
  vexOnly?: boolean;
  only?: 'reg' | 'mem';
}

function row(mnemonic: string, prefix: SimdPrefix, map: SimdMap, opcode: number, isa: Isa, form: SimdForm, x: Extra = {}): SimdOp {
  return {
    mnemonic, prefix, map, opcode, isa, form,
    imm: x.imm ?? false, w: x.w ?? false, digit: x.digit ?? 0, vexOnly: x.vexOnly ?? false, only: x.only,
  };
}

const B = SimdForm.Binary;
const U = SimdForm.Unary;
const IMM = { imm: true } as const;

/** Every row, by mnemonic (the keys are the SSE mnemonics, or the VEX one for vexOnly rows). */
export const SIMD = {
  // ── integer arithmetic (SSE2 unless noted) ──
  paddb: row('paddb', 0x66, 1, 0xfc, Isa.Sse2, B),
  paddw: row('paddw', 0x66, 1, 0xfd, Isa.Sse2, B),
  paddd: row('paddd', 0x66, 1, 0xfe, Isa.Sse2, B),
  paddq: row('paddq', 0x66, 1, 0xd4, Isa.Sse2, B),
  psubb: row('psubb', 0x66, 1, 0xf8, Isa.Sse2, B),
  psubw: row('psubw', 0x66, 1, 0xf9, Isa.Sse2, B),
  psubd: row('psubd', 0x66, 1, 0xfa, Isa.Sse2, B),
  psubq: row('psubq', 0x66, 1, 0xfb, Isa.Sse2, B),
  paddsb: row('paddsb', 0x66, 1, 0xec, Isa.Sse2, B),
  paddsw: row('paddsw', 0x66, 1, 0xed, Isa.Sse2, B),
  paddusb: row('paddusb', 0x66, 1, 0xdc, Isa.Sse2, B),
  paddusw: row('paddusw', 0x66, 1, 0xdd, Isa.Sse2, B),
  psubsb: row('psubsb', 0x66, 1, 0xe8, Isa.Sse2, B),
  psubsw: row('psubsw', 0x66, 1, 0xe9, Isa.Sse2, B),
  psubusb: row('psubusb', 0x66, 1, 0xd8, Isa.Sse2, B),
  psubusw: row('psubusw', 0x66, 1, 0xd9, Isa.Sse2, B),
  pmullw: row('pmullw', 0x66, 1, 0xd5, Isa.Sse2, B),
  pmulhw: row('pmulhw', 0x66, 1, 0xe5, Isa.Sse2, B),
  pmulhuw: row('pmulhuw', 0x66, 1, 0xe4, Isa.Sse2, B),
  pmuludq: row('pmuludq', 0x66, 1, 0xf4, Isa.Sse2, B),
  pmaddwd: row('pmaddwd', 0x66, 1, 0xf5, Isa.Sse2, B),
  pavgb: row('pavgb', 0x66, 1, 0xe0, Isa.Sse2, B),
  pavgw: row('pavgw', 0x66, 1, 0xe3, Isa.Sse2, B),
  pminsw: row('pminsw', 0x66, 1, 0xea, Isa.Sse2, B),
  pminub: row('pminub', 0x66, 1, 0xda, Isa.Sse2, B),
  pmaxsw: row('pmaxsw', 0x66, 1, 0xee, Isa.Sse2, B),
  pmaxub: row('pmaxub', 0x66, 1, 0xde, Isa.Sse2, B),
  pcmpeqb: row('pcmpeqb', 0x66, 1, 0x74, Isa.Sse2, B),
  pcmpeqw: row('pcmpeqw', 0x66, 1, 0x75, Isa.Sse2, B),
  pcmpeqd: row('pcmpeqd', 0x66, 1, 0x76, Isa.Sse2, B),
  pcmpgtb: row('pcmpgtb', 0x66, 1, 0x64, Isa.Sse2, B),
  pcmpgtw: row('pcmpgtw', 0x66, 1, 0x65, Isa.Sse2, B),
  pcmpgtd: row('pcmpgtd', 0x66, 1, 0x66, Isa.Sse2, B),
  pand: row('pand', 0x66, 1, 0xdb, Isa.Sse2, B),
  pandn: row('pandn', 0x66, 1, 0xdf, Isa.Sse2, B),
  por: row('por', 0x66, 1, 0xeb, Isa.Sse2, B),
  pxor: row('pxor', 0x66, 1, 0xef, Isa.Sse2, B),
  psllw: row('psllw', 0x66, 1, 0xf1, Isa.Sse2, B),
  pslld: row('pslld', 0x66, 1, 0xf2, Isa.Sse2, B),
  psllq: row('psllq', 0x66, 1, 0xf3, Isa.Sse2, B),
  psrlw: row('psrlw', 0x66, 1, 0xd1, Isa.Sse2, B),
  psrld: row('psrld', 0x66, 1, 0xd2, Isa.Sse2, B),
  psrlq: row('psrlq', 0x66, 1, 0xd3, Isa.Sse2, B),
  psraw: row('psraw', 0x66, 1, 0xe1, Isa.Sse2, B),
  psrad: row('psrad', 0x66, 1, 0xe2, Isa.Sse2, B),
  packsswb: row('packsswb', 0x66, 1, 0x63, Isa.Sse2, B),
  packssdw: row('packssdw', 0x66, 1, 0x6b, Isa.Sse2, B),
  packuswb: row('packuswb', 0x66, 1, 0x67, Isa.Sse2, B),
  punpcklbw: row('punpcklbw', 0x66, 1, 0x60, Isa.Sse2, B),
  punpcklwd: row('punpcklwd', 0x66, 1, 0x61, Isa.Sse2, B),
  punpckldq: row('punpckldq', 0x66, 1, 0x62, Isa.Sse2, B),
  punpcklqdq: row('punpcklqdq', 0x66, 1, 0x6c, Isa.Sse2, B),
  punpckhbw: row('punpckhbw', 0x66, 1, 0x68, Isa.Sse2, B),
  punpckhwd: row('punpckhwd', 0x66, 1, 0x69, Isa.Sse2, B),
  punpckhdq: row('punpckhdq', 0x66, 1, 0x6a, Isa.Sse2, B),
  punpckhqdq: row('punpckhqdq', 0x66, 1, 0x6d, Isa.Sse2, B),
  pshufd: row('pshufd', 0x66, 1, 0x70, Isa.Sse2, U, IMM),
  pshuflw: row('pshuflw', 0xf2, 1, 0x70, Isa.Sse2, U, IMM),
  pshufhw: row('pshufhw', 0xf3, 1, 0x70, Isa.Sse2, U, IMM),
  // SSSE3
  pshufb: row('pshufb', 0x66, 2, 0x00, Isa.Ssse3, B),
  pmulhrsw: row('pmulhrsw', 0x66, 2, 0x0b, Isa.Ssse3, B),
  pmaddubsw: row('pmaddubsw', 0x66, 2, 0x04, Isa.Ssse3, B),
  pabsb: row('pabsb', 0x66, 2, 0x1c, Isa.Ssse3, U),
  pabsw: row('pabsw', 0x66, 2, 0x1d, Isa.Ssse3, U),
  pabsd: row('pabsd', 0x66, 2, 0x1e, Isa.Ssse3, U),
  palignr: row('palignr', 0x66, 3, 0x0f, Isa.Ssse3, B, IMM),
  // SSE4.1 / SSE4.2
  pmulld: row('pmulld', 0x66, 2, 0x40, Isa.Sse41, B),
  pmuldq: row('pmuldq', 0x66, 2, 0x28, Isa.Sse41, B),
  pminsb: row('pminsb', 0x66, 2, 0x38, Isa.Sse41, B),
  pminsd: row('pminsd', 0x66, 2, 0x39, Isa.Sse41, B),
  pminuw: row('pminuw', 0x66, 2, 0x3a, Isa.Sse41, B),
  pminud: row('pminud', 0x66, 2, 0x3b, Isa.Sse41, B),
  pmaxsb: row('pmaxsb', 0x66, 2, 0x3c, Isa.Sse41, B),
  pmaxsd: row('pmaxsd', 0x66, 2, 0x3d, Isa.Sse41, B),
  pmaxuw: row('pmaxuw', 0x66, 2, 0x3e, Isa.Sse41, B),
  pmaxud: row('pmaxud', 0x66, 2, 0x3f, Isa.Sse41, B),
  pcmpeqq: row('pcmpeqq', 0x66, 2, 0x29, Isa.Sse41, B),
  pcmpgtq: row('pcmpgtq', 0x66, 2, 0x37, Isa.Sse42, B),
  packusdw: row('packusdw', 0x66, 2, 0x2b, Isa.Sse41, B),
  pmovsxbw: row('pmovsxbw', 0x66, 2, 0x20, Isa.Sse41, U),
  pmovsxwd: row('pmovsxwd', 0x66, 2, 0x23, Isa.Sse41, U),
  pmovsxdq: row('pmovsxdq', 0x66, 2, 0x25, Isa.Sse41, U),
  pmovzxbw: row('pmovzxbw', 0x66, 2, 0x30, Isa.Sse41, U),
  pmovzxwd: row('pmovzxwd', 0x66, 2, 0x33, Isa.Sse41, U),
  pmovzxdq: row('pmovzxdq', 0x66, 2, 0x35, Isa.Sse41, U),
  ptest: row('ptest', 0x66, 2, 0x17, Isa.Sse41, U),
  pblendw: row('pblendw', 0x66, 3, 0x0e, Isa.Sse41, B, IMM),
  // ── float ──
  addps: row('addps', 0, 1, 0x58, Isa.Sse2, B),
  addpd: row('addpd', 0x66, 1, 0x58, Isa.Sse2, B),
  subps: row('subps', 0, 1, 0x5c, Isa.Sse2, B),
  subpd: row('subpd', 0x66, 1, 0x5c, Isa.Sse2, B),
  mulps: row('mulps', 0, 1, 0x59, Isa.Sse2, B),
  mulpd: row('mulpd', 0x66, 1, 0x59, Isa.Sse2, B),
  divps: row('divps', 0, 1, 0x5e, Isa.Sse2, B),
  divpd: row('divpd', 0x66, 1, 0x5e, Isa.Sse2, B),
  minps: row('minps', 0, 1, 0x5d, Isa.Sse2, B),
  minpd: row('minpd', 0x66, 1, 0x5d, Isa.Sse2, B),
  maxps: row('maxps', 0, 1, 0x5f, Isa.Sse2, B),
  maxpd: row('maxpd', 0x66, 1, 0x5f, Isa.Sse2, B),
  andps: row('andps', 0, 1, 0x54, Isa.Sse2, B),
  andpd: row('andpd', 0x66, 1, 0x54, Isa.Sse2, B),
  andnps: row('andnps', 0, 1, 0x55, Isa.Sse2, B),
  andnpd: row('andnpd', 0x66, 1, 0x55, Isa.Sse2, B),
  orps: row('orps', 0, 1, 0x56, Isa.Sse2, B),
  orpd: row('orpd', 0x66, 1, 0x56, Isa.Sse2, B),
  xorps: row('xorps', 0, 1, 0x57, Isa.Sse2, B),
  xorpd: row('xorpd', 0x66, 1, 0x57, Isa.Sse2, B),
  unpcklps: row('unpcklps', 0, 1, 0x14, Isa.Sse2, B),
  unpckhps: row('unpckhps', 0, 1, 0x15, Isa.Sse2, B),
  unpcklpd: row('unpcklpd', 0x66, 1, 0x14, Isa.Sse2, B),
  unpckhpd: row('unpckhpd', 0x66, 1, 0x15, Isa.Sse2, B),
  sqrtps: row('sqrtps', 0, 1, 0x51, Isa.Sse2, U),
  sqrtpd: row('sqrtpd', 0x66, 1, 0x51, Isa.Sse2, U),
  cmpps: row('cmpps', 0, 1, 0xc2, Isa.Sse2, B, IMM),
  cmppd: row('cmppd', 0x66, 1, 0xc2, Isa.Sse2, B, IMM),
  shufps: row('shufps', 0, 1, 0xc6, Isa.Sse2, B, IMM),
  shufpd: row('shufpd', 0x66, 1, 0xc6, Isa.Sse2, B, IMM),
  roundps: row('roundps', 0x66, 3, 0x08, Isa.Sse41, U, IMM),
  roundpd: row('roundpd', 0x66, 3, 0x09, Isa.Sse41, U, IMM),
  blendps: row('blendps', 0x66, 3, 0x0c, Isa.Sse41, B, IMM),
  blendpd: row('blendpd', 0x66, 3, 0x0d, Isa.Sse41, B, IMM),
  insertps: row('insertps', 0x66, 3, 0x21, Isa.Sse41, B, IMM),
  // ── scalar float: the VEX three-operand forms let f32/f64 arithmetic read local homes in place ──
  addss: row('addss', 0xf3, 1, 0x58, Isa.Sse2, B),
  addsd: row('addsd', 0xf2, 1, 0x58, Isa.Sse2, B),
  subss: row('subss', 0xf3, 1, 0x5c, Isa.Sse2, B),
  subsd: row('subsd', 0xf2, 1, 0x5c, Isa.Sse2, B),
  mulss: row('mulss', 0xf3, 1, 0x59, Isa.Sse2, B),
  mulsd: row('mulsd', 0xf2, 1, 0x59, Isa.Sse2, B),
  divss: row('divss', 0xf3, 1, 0x5e, Isa.Sse2, B),
  divsd: row('divsd', 0xf2, 1, 0x5e, Isa.Sse2, B),
  // ── conversions ──
  cvtdq2ps: row('cvtdq2ps', 0, 1, 0x5b, Isa.Sse2, U),
  cvttps2dq: row('cvttps2dq', 0xf3, 1, 0x5b, Isa.Sse2, U),
  cvtps2dq: row('cvtps2dq', 0x66, 1, 0x5b, Isa.Sse2, U),
  cvtdq2pd: row('cvtdq2pd', 0xf3, 1, 0xe6, Isa.Sse2, U),
  cvttpd2dq: row('cvttpd2dq', 0x66, 1, 0xe6, Isa.Sse2, U),
  cvtps2pd: row('cvtps2pd', 0, 1, 0x5a, Isa.Sse2, U),
  cvtpd2ps: row('cvtpd2ps', 0x66, 1, 0x5a, Isa.Sse2, U),
  // ── moves ──
  movdqu: row('movdqu', 0xf3, 1, 0x6f, Isa.Sse2, U),
  movdqa: row('movdqa', 0x66, 1, 0x6f, Isa.Sse2, U),
  movups: row('movups', 0, 1, 0x10, Isa.Sse2, U),
  movq: row('movq', 0xf3, 1, 0x7e, Isa.Sse2, U),
  movddup: row('movddup', 0xf2, 1, 0x12, Isa.Sse3, U),
  movhlps: row('movhlps', 0, 1, 0x12, Isa.Sse2, B, { only: 'reg' }),
  movlhps: row('movlhps', 0, 1, 0x16, Isa.Sse2, B, { only: 'reg' }),
  movlps: row('movlps', 0, 1, 0x12, Isa.Sse2, B, { only: 'mem' }),
  movhps: row('movhps', 0, 1, 0x16, Isa.Sse2, B, { only: 'mem' }),
  movdqu_store: row('movdqu', 0xf3, 1, 0x7f, Isa.Sse2, SimdForm.Store, { only: 'mem' }),
  movdqa_store: row('movdqa', 0x66, 1, 0x7f, Isa.Sse2, SimdForm.Store, { only: 'mem' }),
  movups_store: row('movups', 0, 1, 0x11, Isa.Sse2, SimdForm.Store, { only: 'mem' }),
  movq_store: row('movq', 0x66, 1, 0xd6, Isa.Sse2, SimdForm.Store, { only: 'mem' }),
  movlps_store: row('movlps', 0, 1, 0x13, Isa.Sse2, SimdForm.Store, { only: 'mem' }),
  movhps_store: row('movhps', 0, 1, 0x17, Isa.Sse2, SimdForm.Store, { only: 'mem' }),
  // ── shifts by an immediate ──
  psllw_imm: row('psllw', 0x66, 1, 0x71, Isa.Sse2, SimdForm.ShiftImm, { imm: true, digit: 6 }),
  psrlw_imm: row('psrlw', 0x66, 1, 0x71, Isa.Sse2, SimdForm.ShiftImm, { imm: true, digit: 2 }),
  psraw_imm: row('psraw', 0x66, 1, 0x71, Isa.Sse2, SimdForm.ShiftImm, { imm: true, digit: 4 }),
  pslld_imm: row('pslld', 0x66, 1, 0x72, Isa.Sse2, SimdForm.ShiftImm, { imm: true, digit: 6 }),
  psrld_imm: row('psrld', 0x66, 1, 0x72, Isa.Sse2, SimdForm.ShiftImm, { imm: true, digit: 2 }),
  psrad_imm: row('psrad', 0x66, 1, 0x72, Isa.Sse2, SimdForm.ShiftImm, { imm: true, digit: 4 }),
  psllq_imm: row('psllq', 0x66, 1, 0x73, Isa.Sse2, SimdForm.ShiftImm, { imm: true, digit: 6 }),
  psrlq_imm: row('psrlq', 0x66, 1, 0x73, Isa.Sse2, SimdForm.ShiftImm, { imm: true, digit: 2 }),
  pslldq: row('pslldq', 0x66, 1, 0x73, Isa.Sse2, SimdForm.ShiftImm, { imm: true, digit: 7 }),
  psrldq: row('psrldq', 0x66, 1, 0x73, Isa.Sse2, SimdForm.ShiftImm, { imm: true, digit: 3 }),
  // ── to a general register, lanes ──
  pmovmskb: row('pmovmskb', 0x66, 1, 0xd7, Isa.Sse2, SimdForm.ToGpr, { only: 'reg' }),
  movmskps: row('movmskps', 0, 1, 0x50, Isa.Sse2, SimdForm.ToGpr, { only: 'reg' }),
  movmskpd: row('movmskpd', 0x66, 1, 0x50, Isa.Sse2, SimdForm.ToGpr, { only: 'reg' }),
  pextrw: row('pextrw', 0x66, 1, 0xc5, Isa.Sse2, SimdForm.ToGpr, { imm: true, only: 'reg' }),
  pextrb: row('pextrb', 0x66, 3, 0x14, Isa.Sse41, SimdForm.Extract, IMM),
  pextrw_mem: row('pextrw', 0x66, 3, 0x15, Isa.Sse41, SimdForm.Extract, { imm: true, only: 'mem' }),
  pextrd: row('pextrd', 0x66, 3, 0x16, Isa.Sse41, SimdForm.Extract, IMM),
  pextrq: row('pextrq', 0x66, 3, 0x16, Isa.Sse41, SimdForm.Extract, { imm: true, w: true }),
  extractps: row('extractps', 0x66, 3, 0x17, Isa.Sse41, SimdForm.Extract, IMM),
  pinsrb: row('pinsrb', 0x66, 3, 0x20, Isa.Sse41, SimdForm.Insert, IMM),
  pinsrw: row('pinsrw', 0x66, 1, 0xc4, Isa.Sse2, SimdForm.Insert, IMM),
  pinsrd: row('pinsrd', 0x66, 3, 0x22, Isa.Sse41, SimdForm.Insert, IMM),
  pinsrq: row('pinsrq', 0x66, 3, 0x22, Isa.Sse41, SimdForm.Insert, { imm: true, w: true }),
  // ── variable blends ──
  pblendvb: row('pblendvb', 0x66, 2, 0x10, Isa.Sse41, SimdForm.BlendXmm0),
  blendvps: row('blendvps', 0x66, 2, 0x14, Isa.Sse41, SimdForm.BlendXmm0),
  blendvpd: row('blendvpd', 0x66, 2, 0x15, Isa.Sse41, SimdForm.BlendXmm0),
  vpblendvb: row('vpblendvb', 0x66, 3, 0x4c, Isa.Avx, SimdForm.VexBlend, { vexOnly: true }),
  vblendvps: row('vblendvps', 0x66, 3, 0x4a, Isa.Avx, SimdForm.VexBlend, { vexOnly: true }),
  vblendvpd: row('vblendvpd', 0x66, 3, 0x4b, Isa.Avx, SimdForm.VexBlend, { vexOnly: true }),
  // ── VEX only: broadcasts (AVX2; vbroadcastss from memory is AVX) and FMA3 ──
  vpbroadcastb: row('vpbroadcastb', 0x66, 2, 0x78, Isa.Avx2, U, { vexOnly: true }),
  vpbroadcastw: row('vpbroadcastw', 0x66, 2, 0x79, Isa.Avx2, U, { vexOnly: true }),
  vpbroadcastd: row('vpbroadcastd', 0x66, 2, 0x58, Isa.Avx2, U, { vexOnly: true }),
  vpbroadcastq: row('vpbroadcastq', 0x66, 2, 0x59, Isa.Avx2, U, { vexOnly: true }),
  vbroadcastss: row('vbroadcastss', 0x66, 2, 0x18, Isa.Avx2, U, { vexOnly: true }),
  vfmadd231ps: row('vfmadd231ps', 0x66, 2, 0xb8, Isa.Fma, B, { vexOnly: true }),
  vfmadd231pd: row('vfmadd231pd', 0x66, 2, 0xb8, Isa.Fma, B, { vexOnly: true, w: true }),
  vfnmadd231ps: row('vfnmadd231ps', 0x66, 2, 0xbc, Isa.Fma, B, { vexOnly: true }),
  vfnmadd231pd: row('vfnmadd231pd', 0x66, 2, 0xbc, Isa.Fma, B, { vexOnly: true, w: true }),
} as const satisfies Record<string, SimdOp>;

export type SimdOpName = keyof typeof SIMD;
