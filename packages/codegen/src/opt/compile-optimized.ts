// The optimizing tier's entry: one function, SSA → optimizations → register allocation →
// code, or `false` (nothing emitted) when the function is outside the tier's subset, in which
// case the caller compiles it with the baseline compiler. Fallbacks are counted per reason
// (optimizingTierStats), per thread.
import { RBX } from '../x64/regs.js';
import type { ModuleEnv } from '../lower/module-env.js';
import { hasEpochChecks } from '../lower/interrupt-checks.js';
import { buildSsa, Unsupported } from './build-ssa.js';
import { dominators } from './dominators.js';
import { gvn } from './gvn.js';
import { hoistInvariants } from './licm.js';
import { cleanup } from './cleanup.js';
import { selectAddressing } from './select.js';
import { allocateRegisters } from './linear-scan.js';
import { OptEmitter } from './emit.js';
import type { IrFunction } from './ir.js';

export interface OptimizingTierStats {
  /** Functions compiled by the optimizing tier. */
  optimized: number;
  /** Functions handed to the baseline compiler, by reason. */
  fallbacks: Map<string, number>;
  /** Values removed by GVN and moved out of loops by LICM, in all. */
  merged: number;
  hoisted: number;
}

export const optimizingTierStats: OptimizingTierStats = { optimized: 0, fallbacks: new Map(), merged: 0, hoisted: 0 };

function fallback(reason: string): false {
  optimizingTierStats.fallbacks.set(reason, (optimizingTierStats.fallbacks.get(reason) ?? 0) + 1);
  return false;
}

/** Why the whole module stays with the baseline tier, or null. */
export function moduleFallbackReason(env: ModuleEnv): string | null {
  // Fuel is counted per operator in the baseline tier; this one does not count it yet, and
  // its epoch checks are not placed yet either.
  if (env.consumeFuel === true || hasEpochChecks(env)) return 'fuel or interrupts enabled';
  // (Exceptions thrown through an optimized frame are fine: a function with handlers keeps no
  // value in registers and restores its caller's callee-saved registers itself, local-regs.ts.)
  return null;
}

/** Runs the optimizations on `fn` and returns it ready for the emitter's allocation. */
export function optimize(fn: IrFunction): void {
  const dom = dominators(fn.entry);
  optimizingTierStats.merged += gvn(fn, dom);
  const hoisted = hoistInvariants(fn);
  optimizingTierStats.hoisted += hoisted;
  // Equal values hoisted out of different arms of a loop body (br_table cases) meet in the
  // preheader only now: merge them, or each would hold a register across the whole loop.
  if (hoisted > 0) optimizingTierStats.merged += gvn(fn, dom);
}

/** Compile function `funcIndex` with the optimizing tier; false when it is outside the subset. */
export function compileOptimized(env: ModuleEnv, funcIndex: number): boolean {
  const why = moduleFallbackReason(env);
  if (why !== null) return fallback(why);
  let fn: IrFunction;
  try {
    fn = buildSsa(env.module, funcIndex);
  } catch (e) {
    if (e instanceof Unsupported) return fallback(e.reason);
    throw e;
  }
  optimize(fn);
  const uses = cleanup(fn);
  selectAddressing(fn, uses);
  const alloc = allocateRegisters(fn, uses);
  if (fn.usesMemory && !alloc.calleeSaved.includes(RBX)) alloc.calleeSaved.push(RBX);
  new OptEmitter(env, fn, alloc).emit();
  optimizingTierStats.optimized++;
  return true;
}
