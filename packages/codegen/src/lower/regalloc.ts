// Register roles for the lowering and a bitset allocator (Winch keeps its allocator this
// small; spilling is the caller's job through the `spill` callback).
import { RAX, RCX, RDX, RSI, RDI, R8, R9, R10, type Gpr, type Xmm } from '../x64/regs.js';
import { RegClass } from './reg-class.js';

/**
 * Temporaries. rbx, r12 and r13 are not among them: they are the register homes of locals
 * (local-regs.ts), which functions save before use, so a value there survives calls.
 */
export const ALLOCATABLE_GPRS: readonly Gpr[] = [RAX, RCX, RDX, RSI, RDI, R8, R9, R10];
/**
 * xmm15 is the float scratch register, never allocated; xmm8..xmm13 are the register homes of
 * float locals (local-regs.ts), which wasm functions save before use.
 */
export const ALLOCATABLE_XMMS: readonly Xmm[] = [0, 1, 2, 3, 4, 5, 6, 7, 14] as Xmm[];

export class RegAlloc {
  private freeGpr = 0;
  private freeXmm = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.freeGpr = 0;
    for (let i = 0; i < ALLOCATABLE_GPRS.length; i++) this.freeGpr |= 1 << ALLOCATABLE_GPRS[i]!;
    this.freeXmm = 0;
    for (let i = 0; i < ALLOCATABLE_XMMS.length; i++) this.freeXmm |= 1 << ALLOCATABLE_XMMS[i]!;
  }

  isFree(rc: RegClass, r: number): boolean {
    return ((rc === RegClass.Gpr ? this.freeGpr : this.freeXmm) & (1 << r)) !== 0;
  }

  /** A free register not in `pinned` (a bitmask), or -1 when the caller must spill. */
  tryAlloc(rc: RegClass, pinned = 0): number {
    const avail = (rc === RegClass.Gpr ? this.freeGpr : this.freeXmm) & ~pinned;
    if (avail === 0) return -1;
    const order = rc === RegClass.Gpr ? ALLOCATABLE_GPRS : ALLOCATABLE_XMMS;
    // Indexed, not for-of: until V8 optimises this function (half of a cold compile), for-of
    // allocates an iterator and a result object per step.
    for (let i = 0; i < order.length; i++) {
      const r = order[i]!;
      if (avail & (1 << r)) {
        this.take(rc, r);
        return r;
      }
    }
    return -1;
  }

  take(rc: RegClass, r: number): void {
    if (!this.isFree(rc, r)) throw new Error(`BUG: register ${r} (class ${rc}) taken twice`);
    if (rc === RegClass.Gpr) this.freeGpr &= ~(1 << r);
    else this.freeXmm &= ~(1 << r);
  }

  free(rc: RegClass, r: number): void {
    if (this.isFree(rc, r)) throw new Error(`BUG: register ${r} (class ${rc}) freed twice`);
    if (rc === RegClass.Gpr) this.freeGpr |= 1 << r;
    else this.freeXmm |= 1 << r;
  }

}
