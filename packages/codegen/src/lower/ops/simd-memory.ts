// v128 loads and stores: whole, splat, extend, zero-extended, and single lanes. Addressing
// and the bounds check (guard or explicit, by the access's own width) are heap-address.ts's;
// every form here reads or writes exactly the bytes the operator names.
import { SIMD } from '../../x64/simd-ops.js';
import { readMemargOffset } from '../../wasm/memarg.js';
import type { BinaryReader } from '../../wasm/reader.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { popHeapOperand, releaseHeapIndex } from './heap-address.js';
import { bit, freeXmm, popXmm, pushV128, tempXmm } from './simd-values.js';
import { intoHome, nextHomedSet, popSrcReg, releaseSrc } from './simd-operands.js';
import { pendFoldedLoad } from './simd-load-fold.js';

/** memarg: the alignment hint (ignored), the memory (left for popHeapOperand) and the offset. */
const readOffset = readMemargOffset;

export type LoadKind =
  | 'v128' | '8x8_s' | '8x8_u' | '16x4_s' | '16x4_u' | '32x2_s' | '32x2_u'
  | '8_splat' | '16_splat' | '32_splat' | '64_splat' | '32_zero' | '64_zero';

const BYTES: Record<LoadKind, number> = {
  v128: 16, '8x8_s': 8, '8x8_u': 8, '16x4_s': 8, '16x4_u': 8, '32x2_s': 8, '32x2_u': 8,
  '8_splat': 1, '16_splat': 2, '32_splat': 4, '64_splat': 8, '32_zero': 4, '64_zero': 8,
};

const EXTEND = {
  '8x8_s': SIMD.pmovsxbw, '8x8_u': SIMD.pmovzxbw, '16x4_s': SIMD.pmovsxwd, '16x4_u': SIMD.pmovzxwd,
  '32x2_s': SIMD.pmovsxdq, '32x2_u': SIMD.pmovzxdq,
} as const;

export function v128Load(fc: FunctionCompiler, r: BinaryReader, kind: LoadKind): void {
  const offset = readOffset(r);
  if (kind === 'v128' && pendFoldedLoad(fc, r, offset)) return;
  if (kind === 'v128' || kind === '64_splat' || kind in EXTEND) {
    // One instruction from memory: straight into a homed local when local.set/tee follows.
    const local = nextHomedSet(fc, r);
    if (local >= 0) {
      const m = popHeapOperand(fc, offset, BYTES[kind]);
      const x = intoHome(fc, local);
      if (kind === 'v128') fc.simd.load(x, m);
      else if (kind === '64_splat') fc.simd.un(SIMD.movddup, x, m);
      else fc.simd.un(EXTEND[kind as keyof typeof EXTEND], x, m);
      releaseHeapIndex(fc, m);
      fc.push(fc.localRef(local));
      return;
    }
  }
  const s = fc.simd;
  // Registers first: the heap operand holds the scratch register until the access is done.
  const x = fc.allocXmm();
  const z = kind === '8_splat' ? tempXmm(fc, bit(x)) : -1;
  const m = popHeapOperand(fc, offset, BYTES[kind]);
  switch (kind) {
    case 'v128': s.load(x, m); break;
    case '8_splat':
      s.zero(x);
      s.insert(SIMD.pinsrb, x, x, m, 0);
      break;
    case '16_splat':
      s.zero(x);
      s.insert(SIMD.pinsrw, x, x, m, 0);
      break;
    case '32_splat':
    case '32_zero':
      fc.asm.movs_rm(32, x, m);
      break;
    case '64_splat': s.un(SIMD.movddup, x, m); break;
    case '64_zero': fc.asm.movs_rm(64, x, m); break;
    default: s.un(EXTEND[kind], x, m);
  }
  releaseHeapIndex(fc, m);
  switch (kind) {
    case '8_splat':
      s.zero(z as typeof x);
      s.bin(SIMD.pshufb, x, x, z as typeof x);
      freeXmm(fc, z as typeof x);
      break;
    case '16_splat':
      s.un(SIMD.pshuflw, x, x, 0);
      s.un(SIMD.pshufd, x, x, 0);
      break;
    case '32_splat':
      s.un(SIMD.pshufd, x, x, 0);
      break;
  }
  pushV128(fc, x);
}

export function v128Store(fc: FunctionCompiler, r: BinaryReader): void {
  const offset = readOffset(r);
  const x = popSrcReg(fc);
  const m = popHeapOperand(fc, offset, 16);
  fc.simd.store(m, x);
  releaseHeapIndex(fc, m);
  releaseSrc(fc, x);
}

const LANE_INSERT = { 8: SIMD.pinsrb, 16: SIMD.pinsrw, 32: SIMD.pinsrd, 64: SIMD.pinsrq } as const;
const LANE_EXTRACT = { 8: SIMD.pextrb, 16: SIMD.pextrw_mem, 32: SIMD.pextrd, 64: SIMD.pextrq } as const;

export function loadLane(fc: FunctionCompiler, r: BinaryReader, bits: 8 | 16 | 32 | 64): void {
  const offset = readOffset(r);
  const lane = r.readU8();
  const x = popXmm(fc);
  const m = popHeapOperand(fc, offset, bits / 8);
  fc.simd.insert(LANE_INSERT[bits], x, x, m, lane);
  releaseHeapIndex(fc, m);
  pushV128(fc, x);
}

export function storeLane(fc: FunctionCompiler, r: BinaryReader, bits: 8 | 16 | 32 | 64): void {
  const offset = readOffset(r);
  const lane = r.readU8();
  const x = popXmm(fc);
  const m = popHeapOperand(fc, offset, bits / 8);
  fc.simd.extract(LANE_EXTRACT[bits], m, x, lane);
  releaseHeapIndex(fc, m);
  freeXmm(fc, x);
}
