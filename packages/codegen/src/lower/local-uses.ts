// How much a function body uses each local, weighted by loop depth: what local-regs.ts picks
// register homes from. Filled either by its own scan of the body (scanLocalUses) or, when
// the body is validated right before it is compiled (compileModule), by the validator as it
// goes (validate/function.ts), which saves the compiler a second decode of every body. Both
// add the same weights in the same order, so the homes, and the code, are the same.

/** How much one use (or call) at loop depth `loops` weighs: 1 outside loops, 16 in one, ×4 per level. */
export function weightAt(loops: number): number {
  return loops === 0 ? 1 : 16 << Math.min(2 * (loops - 1), 8);
}

/** One function's weighted uses; reused from function to function (reset). */
export class LocalUses {
  /** Weighted local.get/set/tee count per local (numLocals entries in use). */
  score = new Float64Array(64);
  /** 1 for each local used inside a loop at all. */
  inLoop = new Uint8Array(64);
  /** Weighted count of call and call_indirect. */
  callWeight = 0;
  numLocals = 0;
  /**
   * Exception handling: try_table and legacy try blocks in the body (a function with any
   * keeps no local in a register, see local-regs.ts), and how many of them are legacy `try`
   * (each gets a hidden frame slot for the exnref its catch may rethrow).
   */
  handlers = 0;
  legacyTries = 0;

  /** Starts a function with `numLocals` locals (params included). */
  reset(numLocals: number): void {
    if (numLocals > this.score.length) {
      const n = Math.max(numLocals, 2 * this.score.length);
      this.score = new Float64Array(n);
      this.inLoop = new Uint8Array(n);
    } else {
      this.score.fill(0, 0, numLocals);
      this.inLoop.fill(0, 0, numLocals);
    }
    this.callWeight = 0;
    this.numLocals = numLocals;
    this.handlers = 0;
    this.legacyTries = 0;
  }
}
