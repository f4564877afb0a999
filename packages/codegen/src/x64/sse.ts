// Opcode tables for the scalar SSE instructions (SDM Vol. 2B instruction pages; map 0F).
// The scalar forms are selected by a mandatory prefix: F3 = single (ss), F2 = double (sd).
// The packed bitwise forms are selected by none (ps) or 66 (pd).

import { FloatBitOp, FloatOp, type FloatSize } from './operands.js';

/** F3 for ss, F2 for sd. */
export function scalarPrefix(fs: FloatSize): number {
  if (fs === 32) return 0xf3;
  if (fs === 64) return 0xf2;
  throw new Error(`BUG: bad float size ${fs as number}`);
}

/** 66 for the pd form, nothing for ps. */
export function packedPrefix(fs: FloatSize): number {
  if (fs === 32) return 0;
  if (fs === 64) return 0x66;
  throw new Error(`BUG: bad float size ${fs as number}`);
}

export function floatOpcode(op: FloatOp): number {
  switch (op) {
    case FloatOp.Add: return 0x0f58;
    case FloatOp.Sub: return 0x0f5c;
    case FloatOp.Mul: return 0x0f59;
    case FloatOp.Div: return 0x0f5e;
    case FloatOp.Min: return 0x0f5d;
    case FloatOp.Max: return 0x0f5f;
    case FloatOp.Sqrt: return 0x0f51;
  }
  throw new Error(`BUG: bad FloatOp ${op as number}`);
}

export function floatBitOpcode(op: FloatBitOp): number {
  switch (op) {
    case FloatBitOp.And: return 0x0f54;
    case FloatBitOp.AndNot: return 0x0f55;
    case FloatBitOp.Or: return 0x0f56;
    case FloatBitOp.Xor: return 0x0f57;
  }
  throw new Error(`BUG: bad FloatBitOp ${op as number}`);
}

export const OP_MOVS_LOAD = 0x0f10; // movss/movsd xmm, m
export const OP_MOVS_STORE = 0x0f11; // movss/movsd m, xmm
export const OP_MOVAPS = 0x0f28;
export const OP_MOVD_TO_XMM = 0x0f6e; // 66 [W] 0F 6E: movd/movq xmm, r/m
export const OP_MOVD_FROM_XMM = 0x0f7e; // 66 [W] 0F 7E: movd/movq r/m, xmm
export const OP_UCOMIS = 0x0f2e;
export const OP_CVTSI2S = 0x0f2a;
export const OP_CVTTS2SI = 0x0f2c;
export const OP_CVTS2S = 0x0f5a;
export const OP_ROUNDSS = 0x0f3a0a; // SSE4.1, 66 prefix
export const OP_ROUNDSD = 0x0f3a0b;
export const OP_XORPS = 0x0f57;
