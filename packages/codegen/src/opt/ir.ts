// The optimizing tier's intermediate form: a control-flow graph of basic blocks holding SSA
// values. Only integer values exist in this first subset (i32 and i64), so every value is a
// general-purpose register or a frame slot once allocated (linear-scan.ts).
//
// A value that an optimization makes redundant is not deleted from its users: it points at
// its replacement (`replacedBy`), and every reader goes through `resolve`. That keeps the
// passes free of use lists; dce.ts drops the forwarded and unused values before allocation.

export const enum Op {
  Const,
  /** Parameter `imm` of the function, read from its area slot at entry. */
  Param,
  Phi,
  /** Integer binary operation `sub` (BinOp) of width `width`. */
  Bin,
  /** Comparison `sub` (CmpOp) of two values of width `width`; an i32 0/1. */
  Cmp,
  /** x == 0 of width `width`. */
  Eqz,
  /** i32.wrap_i64 (a 32-bit move). */
  Wrap,
  /** Sign extension of the low `imm` bits (8, 16, 32) to width `width`. */
  SignExt,
  /** i64.extend_i32_u (a 32-bit move: i32s are kept zero-extended). */
  ZeroExt,
  /** [base + args[0]*scale + args[1] + disp], a 32- or 64-bit lea (address arithmetic, fold.ts). */
  Lea,
  Select,
  /** Linear-memory load of `imm` bytes at args[0] + `offset` (`signed`: sign-extend). */
  Load,
  /** Store the low `imm` bytes of args[1] at args[0] + `offset`. */
  Store,
  GlobalGet,
  GlobalSet,
  /** Direct call of function `imm`. */
  Call,
  /** Division or remainder `sub` (DivOp) of width `width`: traps on a zero divisor and INT_MIN / -1. */
  Div,
  /** lzcnt / tzcnt / popcnt (`sub`: BitCountOp) of width `width`. */
  BitCount,
}

export const enum DivOp { DivS, DivU, RemS, RemU }
export const enum BitCountOp { Clz, Ctz, Popcnt }

export const enum BinOp { Add, Sub, Mul, And, Or, Xor, Shl, ShrS, ShrU, Rotl, Rotr }
export const enum CmpOp { Eq, Ne, LtS, LtU, GtS, GtU, LeS, LeU, GeS, GeU }

export type Width = 32 | 64;

export interface Value {
  readonly id: number;
  readonly op: Op;
  /** Result width; 0 for values that produce nothing (stores, calls without result). */
  readonly width: Width | 0;
  args: Value[];
  /** Op-specific integer: constant bits (bigint for Const), param index, global, callee, access size. */
  imm: bigint;
  sub: number;
  offset: number;
  signed: boolean;
  /** Lea only: scale of args[1] (1, 2, 4, 8) and displacement. */
  scale: number;
  disp: number;
  block: Block;
  /** wasm byte offset of the operator this value comes from (offset map, trap stubs). */
  readonly wasmAt: number;
  replacedBy: Value | null;
}

export type Terminator =
  | { kind: 'jmp'; target: Block }
  | { kind: 'br'; cond: Value; taken: Block; notTaken: Block; wasmAt: number }
  | { kind: 'table'; index: Value; targets: Block[]; fallback: Block; wasmAt: number }
  | { kind: 'ret'; value: Value | null; wasmAt: number }
  | { kind: 'trap'; wasmAt: number };

export interface Block {
  readonly id: number;
  preds: Block[];
  phis: Value[];
  insts: Value[];
  term: Terminator | null;
  /** Braun et al.: all predecessors are known. */
  sealed: boolean;
  /** The current SSA value of each variable written in this block. */
  readonly defs: Map<number, Value>;
  /** Phis created while unsealed, completed when the block is sealed (variable → phi). */
  readonly incomplete: Map<number, Value>;
  /** Position in the layout (the order the body's code appears in), -1 when not laid out. */
  layout: number;
}

/** The value `v` stands for after forwarding. */
export function resolve(v: Value): Value {
  let r = v;
  while (r.replacedBy !== null) r = r.replacedBy;
  // Path compression: long chains come from phis of phis.
  if (v.replacedBy !== null && v.replacedBy !== r) v.replacedBy = r;
  return r;
}

/** Successors of each terminator, computed once (a br_table's list may be long, and liveness asks often). */
const SUCCESSORS = new WeakMap<Terminator, Block[]>();

export function successors(b: Block): Block[] {
  const t = b.term;
  if (t === null) return [];
  let out = SUCCESSORS.get(t);
  if (out !== undefined) return out;
  switch (t.kind) {
    case 'jmp': out = [t.target]; break;
    case 'br': out = [t.taken, t.notTaken]; break;
    case 'table': out = [...new Set([...t.targets, t.fallback])]; break;
    default: out = [];
  }
  SUCCESSORS.set(t, out);
  return out;
}

/** Operations without side effects or traps: movable (licm.ts) and mergeable (gvn.ts). */
export function isPure(v: Value): boolean {
  switch (v.op) {
    case Op.Const: case Op.Bin: case Op.Cmp: case Op.Eqz: case Op.Wrap: case Op.SignExt:
    case Op.ZeroExt: case Op.Lea: case Op.Select: case Op.BitCount:
      return true;
    default:
      return false;
  }
}

export interface IrFunction {
  readonly funcIndex: number;
  readonly entry: Block;
  /** Blocks in layout order (only reachable ones). */
  readonly blocks: Block[];
  readonly numParams: number;
  readonly result: Width | 0;
  /** Loops, innermost first: header and the layout range [header.layout, end) of their body. */
  readonly loops: { header: Block; preheader: Block; end: number }[];
  readonly usesMemory: boolean;
}
