// Whole-function register homes for the hottest locals. Integer locals go to rbx, r12 and
// r13, callee-saved in SysV and, since wasm functions save them before use, in wasmcall too.
// Float locals go to xmm8..xmm13, callee-saved in wasmcall (functions save them before use;
// every direct call from wasm code into C saves them around the call, since SysV does not).
// v128 locals go there too, but only in functions without calls: functions save and restore
// their homes' low 64 bits (all a float home of a caller needs), so a v128 home must not be
// live across a call into another wasm function. host_call (builtins) and the epoch poll
// keep all 128 bits.
// A local homed there survives calls, and loop-carried counters, pointers and accumulators
// never touch memory. The choice comes from a quick pre-scan of the body that weights each local.get/
// set/tee by loop depth.
//
// Up to three more integer locals live in r10, r9 and r8, each taken out of the temporaries
// for the whole function. Those are caller-saved in wasmcall, so nobody up the stack expects them kept
// and the prologue saves nothing; instead every call from the function (call, call_indirect,
// a runtime builtin through callBuiltin) stores them to the locals' frame slots before and
// reloads them after. They go to locals used in loops (see scratchPays): in functions without
// calls (most hot inner-loop functions) they are free, and the first choice; in functions
// with calls a local gets one only when its weighted use count beats twice the calls'
// weighted count (a store and a load per call executed): a loop without calls nested in a
// function that also calls, like a recursive quicksort's partition scans.
import { RBX, R12, R13, R8, R9, R10, type Gpr, type Xmm } from '../x64/regs.js';
import { ALL_FEATURES, BinaryReader } from '../wasm/reader.js';
import { Op } from '../wasm/opcodes.js';
import { ValType } from '../wasm/types.js';
import { readImmediates } from '../wasm/body-scan.js';
import { LocalUses, weightAt } from './local-uses.js';

/** Registers that may home locals (never handed out as temporaries). */
export const LOCAL_HOME_GPRS: readonly Gpr[] = [RBX, R12, R13];
/** Caller-saved homes: first choice in functions without calls (nothing to save for them). */
export const SCRATCH_HOME_GPRS: readonly Gpr[] = [R10, R9, R8];
export const LOCAL_HOME_XMMS: readonly Xmm[] = [8, 9, 10, 11, 12, 13] as Xmm[];

/**
 * Below this weighted use count, homing does not repay the save/restore (and, for params,
 * the load) it costs per call. A use inside a loop weighs 16; straight-line code weighs 1.
 */
const MIN_SCORE = 6;

export interface LocalHomes {
  /** Register per local index (a Gpr or an Xmm by the local's type), or -1 for its frame slot. */
  readonly regOf: Int8Array;
  /** The callee-saved home registers in use, in the order they are saved. */
  readonly used: readonly Gpr[];
  readonly usedXmm: readonly Xmm[];
  /** The caller-saved homes in use (SCRATCH_HOME_GPRS), saved around every call. */
  readonly scratch: readonly Gpr[];
  /** Whether the body has a call or call_indirect; null when it was not scanned (see below). */
  readonly mayCall: boolean | null;
  /** Legacy `try` blocks in the body (exception handling: each gets a hidden exnref slot). */
  readonly legacyTries: number;
}

const NONE: LocalHomes = { regOf: new Int8Array(0), used: [], usedXmm: [], scratch: [], mayCall: null, legacyTries: 0 };

/**
 * The homes of a function with exception handlers (docs/exceptions.md): no local in a
 * register, since a landing pad is entered with the registers of whatever frame threw, and
 * every callee-saved home register saved by the prologue and restored by the return, since
 * the frames the throw unwound never restored the values they saved for this function's callers.
 */
function handlerHomes(numLocals: number, legacyTries: number): LocalHomes {
  return { regOf: new Int8Array(numLocals).fill(-1), used: LOCAL_HOME_GPRS, usedXmm: LOCAL_HOME_XMMS, scratch: [], mayCall: true, legacyTries };
}


/** Homed in an xmm register: floats and v128. */
function isFloat(t: ValType): boolean {
  return t === ValType.F32 || t === ValType.F64 || t === ValType.V128;
}

/**
 * A caller-saved home costs the function one of its eight temporaries, and a store and a
 * load per call: worth it for a local used in a loop (straight-line code, e.g. an unrolled
 * hash round, measured slower with fewer temporaries), and used more than the calls run.
 */
function scratchPays(score: number, inLoop: boolean, callWeight: number): boolean {
  return inLoop && score > 2 * callWeight;
}

/** Reused by the scans of one thread (chooseLocalHomes is not reentrant). */
const scanned = new LocalUses();

/**
 * The homes of a function's locals. A function without locals is not scanned (mayCall null)
 * unless `needMayCall` (the epoch entry check asks it: interrupt-checks.ts). `uses`: the
 * body's uses as the validator recorded them (local-uses.ts), else the body is scanned here.
 */
export function chooseLocalHomes(
  bytes: Uint8Array, bodyStart: number, bodyEnd: number, localTypes: readonly ValType[], needMayCall = false,
  uses: LocalUses | null = null,
  /** The module may use exception handling: bodies without locals are scanned for handlers too. */
  exceptions = false,
): LocalHomes {
  if (localTypes.length === 0 && !needMayCall && !exceptions) return NONE;
  if (uses === null) uses = scanLocalUses(bytes, bodyStart, bodyEnd, localTypes.length, scanned);
  else if (uses.numLocals !== localTypes.length) throw new Error(`BUG: local uses of ${uses.numLocals} locals for a function with ${localTypes.length}`);
  if (uses.handlers > 0) return handlerHomes(localTypes.length, uses.legacyTries);
  if (localTypes.length === 0 && !needMayCall) return NONE;
  return homesFromUses(uses, localTypes);
}

/** Weights each local.get/set/tee, call and call_indirect of the body by its loop depth, into `out`. */
export function scanLocalUses(bytes: Uint8Array, bodyStart: number, bodyEnd: number, numLocals: number, out: LocalUses): LocalUses {
  out.reset(numLocals);
  const score = out.score;
  const inLoop = out.inLoop;
  const r = new BinaryReader(bytes, bodyStart, bodyEnd);
  r.features = ALL_FEATURES; // validated already
  // 1 = loop, 0 = other block, per open structured instruction.
  const open: number[] = [];
  let loops = 0;
  let callWeight = 0;
  while (r.pos < r.end) {
    const at = r.pos;
    const op = r.readU8();
    if (op === Op.LocalGet || op === Op.LocalSet || op === Op.LocalTee) {
      const i = r.readVarU32();
      // (An unvalidated body may name a local that does not exist: it counts for nothing.)
      if (i >= numLocals) continue;
      score[i]! += weightAt(loops);
      if (loops > 0) inLoop[i] = 1;
      continue;
    }
    readImmediates(r, op, at);
    // Tail calls count as calls: a function that only tail-calls can still run forever (through
    // its callees), so it needs the entry's epoch check (mayCall).
    if (op === Op.Call || op === Op.CallIndirect || op === Op.Throw || op === Op.ReturnCall || op === Op.ReturnCallIndirect || op === Op.CallRef || op === Op.ReturnCallRef) callWeight += weightAt(loops);
    else if (op === Op.TryTable || op === Op.Try) {
      out.handlers++;
      if (op === Op.Try) out.legacyTries++;
      open.push(0);
    } else if (op === Op.Loop) {
      open.push(1);
      loops++;
    } else if (op === Op.Block || op === Op.If) open.push(0);
    else if (op === Op.Delegate) open.pop(); // ends its try like `end`
    else if (op === Op.End && open.length > 0 && open.pop() === 1) loops--;
  }
  out.callWeight = callWeight;
  return out;
}

/**
 * Hottest first, ties by index. Functions of toolchain output can have thousands of locals:
 * instead of calling a comparator n log n times, each candidate becomes one exact double,
 * score * 2^16 + (2^16 - 1 - index), and the typed array sorts itself (natively). Scores too
 * large for that to be exact (a body of many megabytes) take the comparator.
 */
function sortByScore(candidates: number[], score: Float64Array): void {
  const n = candidates.length;
  let max = 0;
  for (let k = 0; k < n; k++) max = Math.max(max, score[candidates[k]!]!);
  if (max >= 2 ** 36 || candidates[n - 1]! >= 1 << 16) {
    candidates.sort((a, b) => score[b]! - score[a]! || a - b);
    return;
  }
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = candidates[k]!;
    keys[k] = score[i]! * 65536 + (65535 - i);
  }
  keys.sort();
  for (let k = 0; k < n; k++) candidates[k] = 65535 - (keys[n - 1 - k]! % 65536);
}

function homesFromUses(uses: LocalUses, localTypes: readonly ValType[]): LocalHomes {
  const score = uses.score;
  const inLoop = uses.inLoop;
  const callWeight = uses.callWeight;
  const mayCall = callWeight > 0;
  const candidates: number[] = [];
  for (let i = 0; i < localTypes.length; i++) {
    if (score[i]! >= MIN_SCORE && (localTypes[i] !== ValType.V128 || !mayCall)) candidates.push(i);
  }
  if (candidates.length === 0) return { ...NONE, mayCall };
  sortByScore(candidates, score);
  const regOf = new Int8Array(localTypes.length).fill(-1);
  // Hottest first. Callee-saved homes first where the function calls (they cost per call of
  // the function, not per call it makes), caller-saved ones first where it does not.
  const first = mayCall ? LOCAL_HOME_GPRS : SCRATCH_HOME_GPRS;
  const second = mayCall ? SCRATCH_HOME_GPRS : LOCAL_HOME_GPRS;
  const used: Gpr[] = [];
  const scratch: Gpr[] = [];
  const usedXmm: Xmm[] = [];
  let nFirst = 0;
  let nSecond = 0;
  for (const i of candidates) {
    if (isFloat(localTypes[i]!)) {
      if (usedXmm.length === LOCAL_HOME_XMMS.length) continue;
      const reg = LOCAL_HOME_XMMS[usedXmm.length]!;
      regOf[i] = reg;
      usedXmm.push(reg);
      continue;
    }
    const pays = scratchPays(score[i]!, inLoop[i] === 1, callWeight);
    let reg: Gpr | undefined;
    if (nFirst < first.length && (first === LOCAL_HOME_GPRS || pays)) reg = first[nFirst++];
    else if (nSecond < second.length && (second === LOCAL_HOME_GPRS || pays)) reg = second[nSecond++];
    if (reg === undefined) continue;
    regOf[i] = reg;
    (SCRATCH_HOME_GPRS.includes(reg) ? scratch : used).push(reg);
  }
  return { regOf, used, usedXmm, scratch, mayCall, legacyTries: 0 };
}
