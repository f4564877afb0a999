// Frame slot addressing (see abi.ts for the picture). Slots are 8 bytes; a v128 takes two.
// In a function that may hold v128 values on its value stack ("wide"), every spill slot is
// 16 bytes so that any stack position can hold one.
import type { Mem } from '../x64/assembler.js';
import { ValType } from '../wasm/types.js';
import { FRAME_REG } from './masm/registers.js';

/** rbp-relative offset of the saved vmctx. */
export const VMCTX_SLOT = -8;

// Frame operands are requested for nearly every operator; sharing one Mem per rbp
// displacement keeps them from being a large share of the compiler's garbage. They are not
// frozen (a frozen object has its own hidden class, which would make the encoder's operand
// reads polymorphic), so callers must treat them as read-only, as they treat every Mem.
const above: Mem[] = [];
const below: Mem[] = [];

/** The shared, immutable operand [rbp + disp] (disp a multiple of 8). */
export function rbpMem(disp: number): Mem {
  const table = disp >= 0 ? above : below;
  const i = Math.abs(disp) >> 3;
  return (table[i] ??= { base: FRAME_REG, disp });
}

/** 8-byte slots a value of type t takes in an area or a local's home. */
export function slotsOf(t: ValType): number {
  return t === ValType.V128 ? 2 : 1;
}

/**
 * Slot offsets of a params or results list in the wasmcall area: value i starts at slot
 * sum(slotsOf(types[j]), j < i). Result 0 is returned in rax/xmm0 unless it is a v128, which
 * is returned in area slots 0-1 (the JS entry path copies only 8 bytes of xmm0).
 */
export function areaSlots(types: readonly ValType[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (let i = 0; i < types.length; i++) {
    out.push(at);
    at += slotsOf(types[i]!);
  }
  return out;
}

/**
 * areaSlots of a signature's params or results list, computed once per list: the compiler
 * asks at every call and return. Shared: callers must not change it, and may read only its
 * first types.length entries (without a v128 every value takes one slot, and the answer is a
 * prefix of one shared 0, 1, 2, ... array: no WeakMap lookup at every call).
 */
export function areaSlotsOf(types: readonly ValType[]): readonly number[] {
  if (types.length <= ONE_SLOT_EACH.length) {
    let i = 0;
    while (i < types.length && types[i] !== ValType.V128) i++;
    if (i === types.length) return ONE_SLOT_EACH;
  }
  let at = areaSlotCache.get(types);
  if (at === undefined) areaSlotCache.set(types, (at = areaSlots(types)));
  return at;
}
const areaSlotCache = new WeakMap<readonly ValType[], readonly number[]>();
const ONE_SLOT_EACH: readonly number[] = Array.from({ length: 64 }, (_, i) => i);

/** Total 8-byte slots of a params or results list in the area. */
export function areaSize(types: readonly ValType[]): number {
  let n = 0;
  for (let i = 0; i < types.length; i++) n += slotsOf(types[i]!);
  return n;
}

/** The area slots a call of this signature needs (params and results share the area). */
export function callAreaSlots(params: readonly ValType[], results: readonly ValType[]): number {
  return Math.max(areaSize(params), areaSize(results));
}

export class Frame {
  /** Deepest value-stack position used (spill slots needed). */
  maxDepth = 0;
  /** Largest outgoing argument/result area of any call, in slots. */
  maxOutgoing = 0;
  readonly numParams: number;
  readonly numBodyLocals: number;
  /** 8-byte slots the body locals take (a v128 takes two). */
  readonly bodyLocalSlots: number;
  /** rbp displacement of each local's slot. */
  private readonly localDisp: number[] = [];
  /** Bytes per spill slot: 16 in a wide function, else 8. */
  readonly spillBytes: number;

  constructor(
    localTypes: readonly ValType[],
    numParams: number,
    /** Callee-saved registers this function saves (the homes of its hottest locals). */
    readonly numSaved = 0,
    /** The function may hold v128 values on its value stack. */
    readonly wide = false,
  ) {
    this.numParams = numParams;
    this.numBodyLocals = localTypes.length - numParams;
    let at = 0;
    for (let i = 0; i < numParams; i++) {
      this.localDisp.push(16 + 8 * at);
      at += slotsOf(localTypes[i]!);
    }
    let body = 0;
    for (let i = numParams; i < localTypes.length; i++) {
      const n = slotsOf(localTypes[i]!);
      // The slot's lowest address: a v128 covers [disp, disp + 16).
      this.localDisp.push(-8 - 8 * (numSaved + body + n));
      body += n;
    }
    this.bodyLocalSlots = body;
    this.spillBytes = wide ? 16 : 8;
  }

  /** Slot where saved register `i` keeps the caller's value. */
  savedMem(i: number): Mem {
    return rbpMem(-16 - 8 * i);
  }

  localMem(index: number): Mem {
    return rbpMem(this.localDisp[index]!);
  }

  /** rbp-relative address of the body locals' highest 8-byte slot (the others go down from it). */
  get bodyLocalsTop(): number {
    return -16 - 8 * this.numSaved;
  }

  /** The spill slot of value-stack position `pos` (0 = bottom). */
  spillMem(pos: number): Mem {
    return rbpMem(-8 - 8 * (this.numSaved + this.bodyLocalSlots) - this.spillBytes * (pos + 1));
  }

  /** Area slot `i` of the function's own params/results. */
  areaMem(i: number): Mem {
    return rbpMem(16 + 8 * i);
  }

  /** Bytes below rbp: vmctx, saved registers, body locals, spill slots, outgoing area; a multiple of 16. */
  size(): number {
    const bytes = 8 + 8 * (this.numSaved + this.bodyLocalSlots) + this.spillBytes * this.maxDepth + 8 * this.maxOutgoing;
    return (bytes + 15) & ~15;
  }
}
