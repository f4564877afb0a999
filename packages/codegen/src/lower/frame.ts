// Frame slot addressing (see abi.ts for the picture). Every slot is 8 bytes.
import type { Mem } from '../x64/assembler.js';
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

export class Frame {
  /** Deepest value-stack position used (spill slots needed). */
  maxDepth = 0;
  /** Largest outgoing argument/result area of any call, in slots. */
  maxOutgoing = 0;

  constructor(
    readonly numParams: number,
    /** Locals declared in the body (not params). */
    readonly numBodyLocals: number,
    /** Callee-saved registers this function saves (the homes of its hottest locals). */
    readonly numSaved = 0,
  ) {}

  /** Slot where saved register `i` keeps the caller's value. */
  savedMem(i: number): Mem {
    return rbpMem(-16 - 8 * i);
  }

  localMem(index: number): Mem {
    if (index < this.numParams) return rbpMem(16 + 8 * index);
    return rbpMem(-16 - 8 * this.numSaved - 8 * (index - this.numParams));
  }

  /** rbp-relative address of body local 0 (the highest; the others go down from it). */
  get bodyLocalsTop(): number {
    return -16 - 8 * this.numSaved;
  }

  /** The spill slot of value-stack position `pos` (0 = bottom). */
  spillMem(pos: number): Mem {
    return rbpMem(-16 - 8 * (this.numSaved + this.numBodyLocals) - 8 * pos);
  }

  /** Area slot `i` of the function's own params/results. */
  areaMem(i: number): Mem {
    return rbpMem(16 + 8 * i);
  }

  /** Bytes below rbp: vmctx, saved registers, body locals, spill slots, outgoing area; a multiple of 16. */
  size(): number {
    const bytes = 8 + 8 * (this.numSaved + this.numBodyLocals) + 8 * this.maxDepth + 8 * this.maxOutgoing;
    return (bytes + 15) & ~15;
  }
}
