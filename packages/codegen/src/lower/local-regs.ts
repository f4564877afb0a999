// Whole-function register homes for the hottest locals. Integer locals go to rbx, r12 and
// r13, callee-saved in SysV and, since wasm functions save them before use, in wasmcall too.
// Float locals go to xmm8..xmm13, callee-saved in wasmcall (functions save them before use;
// every direct call from wasm code into C saves them around the call, since SysV does not).
// A local homed there survives calls, and loop-carried counters, pointers and accumulators
// never touch memory. The choice comes from a quick pre-scan of the body that weights each local.get/
// set/tee by loop depth.
import { RBX, R12, R13, type Gpr, type Xmm } from '../x64/regs.js';
import { BinaryReader } from '../wasm/reader.js';
import { Op } from '../wasm/opcodes.js';
import { ValType } from '../wasm/types.js';
import { readImmediates } from '../wasm/body-scan.js';

/** Registers that may home locals (never handed out as temporaries). */
export const LOCAL_HOME_GPRS: readonly Gpr[] = [RBX, R12, R13];
export const LOCAL_HOME_XMMS: readonly Xmm[] = [8, 9, 10, 11, 12, 13] as Xmm[];

/**
 * Below this weighted use count, homing does not repay the save/restore (and, for params,
 * the load) it costs per call. A use inside a loop weighs 16; straight-line code weighs 1.
 */
const MIN_SCORE = 6;

export interface LocalHomes {
  /** Register per local index (a Gpr or an Xmm by the local's type), or -1 for its frame slot. */
  readonly regOf: Int8Array;
  /** The home registers in use, in the order they are saved. */
  readonly used: readonly Gpr[];
  readonly usedXmm: readonly Xmm[];
}

const NONE: LocalHomes = { regOf: new Int8Array(0), used: [], usedXmm: [] };

function isFloat(t: ValType): boolean {
  return t === ValType.F32 || t === ValType.F64;
}

export function chooseLocalHomes(bytes: Uint8Array, bodyStart: number, bodyEnd: number, localTypes: readonly ValType[]): LocalHomes {
  if (localTypes.length === 0) return NONE;
  const score = new Float64Array(localTypes.length);
  const r = new BinaryReader(bytes, bodyStart, bodyEnd);
  // 1 = loop, 0 = other block, per open structured instruction.
  const open: number[] = [];
  let loops = 0;
  while (r.pos < r.end) {
    const at = r.pos;
    const op = r.readU8();
    if (op === Op.LocalGet || op === Op.LocalSet || op === Op.LocalTee) {
      const i = r.readVarU32();
      score[i]! += loops === 0 ? 1 : 16 << Math.min(2 * (loops - 1), 8);
      continue;
    }
    readImmediates(r, op, at);
    if (op === Op.Loop) {
      open.push(1);
      loops++;
    } else if (op === Op.Block || op === Op.If) open.push(0);
    else if (op === Op.End && open.length > 0 && open.pop() === 1) loops--;
  }
  const candidates: number[] = [];
  for (let i = 0; i < localTypes.length; i++) if (localTypes[i] !== ValType.V128 && score[i]! >= MIN_SCORE) candidates.push(i);
  if (candidates.length === 0) return NONE;
  candidates.sort((a, b) => score[b]! - score[a]! || a - b);
  const regOf = new Int8Array(localTypes.length).fill(-1);
  const used: Gpr[] = [];
  const usedXmm: Xmm[] = [];
  for (const i of candidates) {
    if (isFloat(localTypes[i]!)) {
      if (usedXmm.length === LOCAL_HOME_XMMS.length) continue;
      const reg = LOCAL_HOME_XMMS[usedXmm.length]!;
      regOf[i] = reg;
      usedXmm.push(reg);
    } else {
      if (used.length === LOCAL_HOME_GPRS.length) continue;
      const reg = LOCAL_HOME_GPRS[used.length]!;
      regOf[i] = reg;
      used.push(reg);
    }
  }
  return { regOf, used, usedXmm };
}
