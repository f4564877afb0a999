// Memory-operand forms of the scalar SSE instructions the float lowering uses, kept apart
// from assembler.ts (which has the register forms) so that the two can grow independently.
// Each takes the Assembler it appends to. Opcodes as in sse.ts (SDM Vol. 2B); only the
// ModRM.rm operand differs, so a 32-bit form reads a DWORD and a 64-bit form a QWORD.

import type { Assembler } from './assembler.js';
import { emitRM, REX_W } from './encoding.js';
import { uimm8 } from './immediates.js';
import type { FloatSize, IntSize, Mem } from './operands.js';
import type { Xmm } from './regs.js';
import {
  OP_CVTS2S, OP_CVTSI2S, OP_ROUNDSD, OP_ROUNDSS, OP_UCOMIS, packedPrefix, scalarPrefix,
} from './sse.js';

function rexW(size: IntSize): number {
  if (size === 64) return REX_W;
  if (size === 32) return 0;
  throw new Error(`BUG: bad integer operand size ${size as number}`);
}

/** [66] 0F 2E /r: ucomiss x, m32 / ucomisd x, m64. */
export function ucomis_rm(a: Assembler, fs: FloatSize, x: Xmm, m: Mem): void {
  emitRM(a.buf, packedPrefix(fs), 0, OP_UCOMIS, x, m);
}

/** F3/F2 [REX.W] 0F 2A /r: convert the signed integer at m (32 or 64 bits). */
export function cvtsi2s_rm(a: Assembler, fs: FloatSize, intSize: IntSize, dst: Xmm, m: Mem): void {
  emitRM(a.buf, scalarPrefix(fs), rexW(intSize), OP_CVTSI2S, dst, m);
}

/** cvtss2sd x, m32 (dstFs 64) / cvtsd2ss x, m64 (dstFs 32): the prefix is the source's. */
export function cvts2s_rm(a: Assembler, dstFs: FloatSize, dst: Xmm, m: Mem): void {
  if (dstFs !== 32 && dstFs !== 64) throw new Error(`BUG: bad float size ${dstFs as number}`);
  emitRM(a.buf, scalarPrefix(dstFs === 64 ? 32 : 64), 0, OP_CVTS2S, dst, m);
}

/** 66 0F 3A 0A/0B /r ib (SSE4.1) with a memory source; mode as in Assembler.rounds. */
export function rounds_rm(a: Assembler, fs: FloatSize, dst: Xmm, m: Mem, mode: number): void {
  const ib = uimm8(mode, 'rounds');
  if (fs !== 32 && fs !== 64) throw new Error(`BUG: bad float size ${fs as number}`);
  emitRM(a.buf, 0x66, 0, fs === 32 ? OP_ROUNDSS : OP_ROUNDSD, dst, m);
  a.buf.put1(ib);
}
