// Whole-function register homes for the hottest integer locals. rbx, r12 and r13 are
// callee-saved in SysV and, since wasm functions save them before use, in wasmcall too: a
// local homed there survives calls, and loop-carried counters and pointers never touch
// memory. The choice comes from a quick pre-scan of the body that weights each local.get/
// set/tee by loop depth.
import { RBX, R12, R13, type Gpr } from '../x64/regs.js';
import { BinaryReader } from '../wasm/reader.js';
import { Op } from '../wasm/opcodes.js';
import { ValType } from '../wasm/types.js';
import { readImmediates } from '../wasm/body-scan.js';

/** Registers that may home locals (never handed out as temporaries). */
export const LOCAL_HOME_GPRS: readonly Gpr[] = [RBX, R12, R13];

/**
 * Below this weighted use count, homing does not repay the save/restore (and, for params,
 * the load) it costs per call. A use inside a loop weighs 16; straight-line code weighs 1.
 */
const MIN_SCORE = 6;

export interface LocalHomes {
  /** Register per local index, or -1 when the local lives in its frame slot. */
  readonly regOf: Int8Array;
  /** The home registers in use, in the order they are saved. */
  readonly used: readonly Gpr[];
}

const NONE: LocalHomes = { regOf: new Int8Array(0), used: [] };

function homeable(t: ValType): boolean {
  return t === ValType.I32 || t === ValType.I64 || t === ValType.FuncRef || t === ValType.ExternRef;
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
  for (let i = 0; i < localTypes.length; i++) if (homeable(localTypes[i]!) && score[i]! >= MIN_SCORE) candidates.push(i);
  if (candidates.length === 0) return NONE;
  candidates.sort((a, b) => score[b]! - score[a]! || a - b);
  const regOf = new Int8Array(localTypes.length).fill(-1);
  const used: Gpr[] = [];
  for (const i of candidates.slice(0, LOCAL_HOME_GPRS.length)) {
    const reg = LOCAL_HOME_GPRS[used.length]!;
    regOf[i] = reg;
    used.push(reg);
  }
  return { regOf, used };
}
