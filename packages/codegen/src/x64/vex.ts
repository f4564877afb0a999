// The VEX prefix (SDM Vol. 2A §2.3): the AVX encoding of the SSE instructions, which adds a
// third register operand (VEX.vvvv, a non-destructive source) and replaces the mandatory
// prefix, the REX prefix and the 0F / 0F 38 / 0F 3A escape bytes.
//
//   C5 [R̄ v̄v̄v̄v̄ L pp]                  two-byte form: map 0F, no X, B or W
//   C4 [R̄ X̄ B̄ m-mmmm] [W v̄v̄v̄v̄ L pp]    three-byte form
//
// R, X and B are REX's bits, stored inverted, as is vvvv (1111 = no register). pp encodes
// the implied prefix (00 none, 01 66, 10 F3, 11 F2); m-mmmm the map (1 0F, 2 0F38, 3 0F3A).
// Only 128-bit forms (L = 0) are emitted: wasm's v128.

import type { CodeBuffer } from './code-buffer.js';
import { checkReg, memRexBits, putMem, REX_B, REX_R, REX_W, REX_X } from './encoding.js';
import type { Mem } from './operands.js';

/** The implied legacy prefix of an SSE instruction: none, 66, F3 or F2. */
export type SimdPrefix = 0 | 0x66 | 0xf3 | 0xf2;
/** The opcode map: 1 = 0F, 2 = 0F 38, 3 = 0F 3A. */
export type SimdMap = 1 | 2 | 3;

/** 1111 in VEX.vvvv: the instruction has no second source register. */
export const NO_VVVV = 0;

function ppBits(prefix: SimdPrefix): number {
  switch (prefix) {
    case 0: return 0;
    case 0x66: return 1;
    case 0xf3: return 2;
    case 0xf2: return 3;
  }
  throw new Error(`BUG: bad SIMD prefix ${prefix as number}`);
}

/**
 * Writes the VEX prefix and the opcode byte at d[p]; returns the position after them.
 * `rex` holds the R/X/B (and W) bits as REX would; `vvvv` is a register number, or
 * NO_VVVV with `hasVvvv` false.
 */
function putVex(
  d: Uint8Array, p: number, prefix: SimdPrefix, map: SimdMap, rex: number, vvvv: number, hasVvvv: boolean, op: number,
): number {
  const v = hasVvvv ? (~vvvv & 15) : 15;
  const pp = ppBits(prefix);
  if (map === 1 && (rex & (REX_X | REX_B | REX_W)) === 0) {
    d[p++] = 0xc5;
    d[p++] = ((rex & REX_R) ? 0 : 0x80) | (v << 3) | pp;
  } else {
    d[p++] = 0xc4;
    d[p++] = ((rex & REX_R) ? 0 : 0x80) | ((rex & REX_X) ? 0 : 0x40) | ((rex & REX_B) ? 0 : 0x20) | map;
    d[p++] = ((rex & REX_W) ? 0x80 : 0) | (v << 3) | pp;
  }
  d[p++] = op;
  return p;
}

/**
 * A VEX instruction with registers in ModRM.reg (`reg`, or a /digit), ModRM.rm (`rm`) and,
 * when `hasVvvv`, VEX.vvvv. `w` sets VEX.W (64-bit forms, FMA's pd forms).
 */
export function emitVexRR(
  buf: CodeBuffer, prefix: SimdPrefix, map: SimdMap, w: boolean, op: number, reg: number, vvvv: number, hasVvvv: boolean, rm: number,
): void {
  checkReg(reg, 'ModRM.reg');
  checkReg(rm, 'ModRM.rm');
  if (hasVvvv) checkReg(vvvv, 'VEX.vvvv');
  const rex = ((reg & 8) >> 1) | ((rm & 8) >> 3) | (w ? REX_W : 0);
  const d = buf.startInstruction();
  let p = putVex(d, buf.offset, prefix, map, rex, vvvv, hasVvvv, op);
  d[p++] = 0xc0 | ((reg & 7) << 3) | (rm & 7);
  buf.endInstruction(p);
}

/** The same with a memory operand in ModRM.rm. */
export function emitVexRM(
  buf: CodeBuffer, prefix: SimdPrefix, map: SimdMap, w: boolean, op: number, reg: number, vvvv: number, hasVvvv: boolean, m: Mem,
  ripOk = false,
): void {
  if (hasVvvv) checkReg(vvvv, 'VEX.vvvv');
  const rex = memRexBits(reg, m, ripOk) | (w ? REX_W : 0);
  const d = buf.startInstruction();
  const p = putMem(d, putVex(d, buf.offset, prefix, map, rex, vvvv, hasVvvv, op), reg, m);
  buf.endInstruction(p);
}
