// Every golden table, by name.
import { ADDRESSING_GOLDENS } from './goldens-addressing.js';
import { ALU_GOLDENS } from './goldens-alu.js';
import { CONTROL_GOLDENS } from './goldens-control.js';
import { MOVE_GOLDENS } from './goldens-moves.js';
import { SSE_GOLDENS } from './goldens-sse.js';
import { SSE_MEM_GOLDENS } from './goldens-sse-mem.js';
import { SIMD_GOLDENS } from './goldens-simd.js';
import { ATOMIC_GOLDENS } from './goldens-atomics.js';
import type { Golden } from './golden.js';

export const GOLDEN_TABLES: Readonly<Record<string, readonly Golden[]>> = {
  addressing: ADDRESSING_GOLDENS,
  moves: MOVE_GOLDENS,
  alu: ALU_GOLDENS,
  control: CONTROL_GOLDENS,
  sse: SSE_GOLDENS,
  sseMem: SSE_MEM_GOLDENS,
  simd: SIMD_GOLDENS,
  atomics: ATOMIC_GOLDENS,
};

export const ALL_GOLDENS: readonly Golden[] = Object.values(GOLDEN_TABLES).flat();
