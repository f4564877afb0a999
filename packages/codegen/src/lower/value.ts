// Entries of the compile-time value stack (the Liftoff/Winch idea): a wasm operand is kept
// wherever it is cheapest until an instruction needs it in a register.
import type { ValType } from '../wasm/types.js';

export const enum Kind {
  /** A constant not yet materialised: becomes an immediate operand where the ISA allows. */
  Const,
  /** Held in a register (a Gpr for integers/references, an Xmm for floats). */
  Reg,
  /** The current value of a local, read lazily from its frame slot. */
  Local,
  /** Spilled to the frame slot reserved for its stack position. */
  Stack,
}

export interface Val {
  kind: Kind;
  type: ValType;
  /** Register number when kind is Reg. */
  reg: number;
  /** Local index when kind is Local. */
  local: number;
  /** i32: int32 number; i64: bigint; f32: u32 bit pattern; f64: u64 bit pattern (bigint). */
  value: number | bigint;
}

export function constVal(type: ValType, value: number | bigint): Val {
  return { kind: Kind.Const, type, reg: -1, local: -1, value };
}
export function regVal(type: ValType, reg: number): Val {
  return { kind: Kind.Reg, type, reg, local: -1, value: 0 };
}
export function localVal(type: ValType, local: number): Val {
  return { kind: Kind.Local, type, reg: -1, local, value: 0 };
}
export function stackVal(type: ValType): Val {
  return { kind: Kind.Stack, type, reg: -1, local: -1, value: 0 };
}
