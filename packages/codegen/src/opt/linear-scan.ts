// Liveness and linear-scan register allocation (Poletto and Sarkar) over the whole function.
//
// Every instruction gets an even position in layout order. A value's interval runs from its
// definition to its last use or the end of the last block it is live out of; one interval
// per value, holes included, which is conservative but simple (and loops are handled by the
// block liveness: a value used in a loop is live out of the loop's latch). A phi is defined
// at its block's start and its operands are used at the end of each predecessor.
//
// Registers: rcx, r10 and r11 are the emitter's scratch registers (rcx also because
// variable shifts need their count in cl), rbx holds memory 0's base in functions that
// access memory, r14/r15/rbp/rsp are pinned (abi.ts). The caller-saved rax, rdx, rsi, rdi,
// r8, r9 are clobbered by every call, so an interval that spans a call gets a callee-saved
// register (r12, r13, rbx) or a frame slot; likewise an interval that spans a division does
// not get rax or rdx, which the division uses. When registers run out, the interval with the
// lowest use density goes to a frame slot: its uses, each counted 10^loop depth, per position
// it spans. So values a hot loop reads stay in registers, and in straight-line code the
// long-lived values go first as in plain Poletto-Sarkar (which spills the interval that
// ends last: often exactly the base address every loop of the function uses).
import { RAX, RBX, RDX, RDI, RSI, R8, R9, R12, R13, type Gpr } from '../x64/regs.js';
import { Op, successors, type Block, type IrFunction, type Value } from './ir.js';
import { fusedCompare, fusedSelectCompares } from './select.js';
import { termOperands } from './cleanup.js';

export const CALLER_SAVED: readonly Gpr[] = [RAX, RDX, RSI, RDI, R8, R9];
export const CALLEE_SAVED: readonly Gpr[] = [R12, R13, RBX];

export interface Allocation {
  /** Register (>= 0) or frame slot (-1 - slot) of every allocated value; constants have none. */
  readonly loc: Map<Value, number>;
  readonly numSlots: number;
  /** Callee-saved registers the function uses (saved in its prologue). */
  readonly calleeSaved: Gpr[];
  /** Compares emitted as flags for their block's branch or for the select right after them (select.ts). */
  readonly fused: Set<Value>;
}

interface Interval {
  v: Value;
  start: number;
  end: number;
  crossesCall: boolean;
  /** Registers this interval may not have (bit per register). */
  forbidden: number;
  reg: number;
  weight: number;
}

/** Whether one of the ascending `positions` lies strictly inside the interval (binary search). */
function spans(positions: number[], it: Interval): boolean {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (positions[mid]! <= it.start) lo = mid + 1;
    else hi = mid;
  }
  return lo < positions.length && positions[lo]! < it.end;
}

/** Spill order: uses per position of the interval (weighted by loop depth), then the later end. */
function lighter(a: Interval, b: Interval): boolean {
  const da = a.weight / (a.end - a.start + 2);
  const db = b.weight / (b.end - b.start + 2);
  return da < db || (da === db && a.end > b.end);
}

function allocated(v: Value): boolean {
  return v.op !== Op.Const && v.width !== 0;
}

export function allocateRegisters(fn: IrFunction, uses: Map<Value, number>): Allocation {
  const fused = new Set<Value>();
  for (const b of fn.blocks) {
    const f = fusedCompare(b, uses);
    if (f !== null) fused.add(f);
  }
  // Compares read by the select right after them: their operands are read at the select.
  const selectUse = fusedSelectCompares(fn, uses);
  for (const c of selectUse.keys()) fused.add(c);
  // Positions.
  const pos = new Map<Value, number>();
  const blockStart = new Map<Block, number>();
  const blockEnd = new Map<Block, number>();
  const calls: number[] = [];
  const divs: number[] = [];
  let p = 0;
  for (const b of fn.blocks) {
    blockStart.set(b, p);
    p += 2;
    for (const v of b.insts) {
      pos.set(v, p);
      if (v.op === Op.Call) calls.push(p);
      if (v.op === Op.Div) divs.push(p);
      p += 2;
    }
    blockEnd.set(b, p);
    p += 2;
  }
  for (const b of fn.blocks) for (const v of b.phis) pos.set(v, blockStart.get(b)!);

  // Block liveness, to a fixed point (backwards over the layout: one or two rounds without loops).
  const liveIn = new Map<Block, Set<Value>>();
  const liveOut = new Map<Block, Set<Value>>();
  for (const b of fn.blocks) {
    liveIn.set(b, new Set());
    liveOut.set(b, new Set());
  }
  for (let changed = true; changed;) {
    changed = false;
    for (let i = fn.blocks.length - 1; i >= 0; i--) {
      const b = fn.blocks[i]!;
      const out = new Set<Value>();
      for (const s of successors(b)) {
        for (const v of liveIn.get(s)!) out.add(v);
        const k = s.preds.indexOf(b);
        for (const phi of s.phis) {
          const a = phi.args[k]!;
          if (allocated(a)) out.add(a);
        }
      }
      const live = new Set(out);
      for (const v of termOperands(b)) if (allocated(v) && !fused.has(v)) live.add(v);
      for (let j = b.insts.length - 1; j >= 0; j--) {
        const v = b.insts[j]!;
        live.delete(v);
        for (const a of v.args) if (allocated(a) && !fused.has(a)) live.add(a);
      }
      for (const phi of b.phis) live.delete(phi);
      if (live.size !== liveIn.get(b)!.size || out.size !== liveOut.get(b)!.size) changed = true;
      liveIn.set(b, live);
      liveOut.set(b, out);
    }
  }

  // Intervals.
  const intervals = new Map<Value, Interval>();
  const at = (v: Value): Interval => {
    let it = intervals.get(v);
    if (it === undefined) {
      const s = pos.get(v)!;
      intervals.set(v, (it = { v, start: s, end: s, crossesCall: false, forbidden: 0, reg: -1, weight: 0 }));
    }
    return it;
  };
  const extend = (v: Value, to: number): void => {
    const it = at(v);
    if (to > it.end) it.end = to;
  };
  // Loop depth of each block (loops are layout ranges).
  const depth = new Map<Block, number>();
  for (const b of fn.blocks) {
    let d = 0;
    for (const l of fn.loops) if (b.layout >= l.header.layout && b.layout < l.end) d++;
    depth.set(b, Math.min(d, 5));
  }
  const weigh = (v: Value, b: Block): void => {
    at(v).weight += 10 ** depth.get(b)!;
  };
  for (const b of fn.blocks) {
    for (const phi of b.phis) {
      at(phi);
      phi.args.forEach((a, k) => {
        if (allocated(a)) weigh(a, b.preds[k]!);
      });
    }
    for (const v of b.insts) {
      if (allocated(v) && !fused.has(v)) weigh(v, b);
      // A fused compare's operands are read at the branch or the select.
      const sel = selectUse.get(v);
      const usePos = sel !== undefined ? pos.get(sel)! : fused.has(v) ? blockEnd.get(b)! : pos.get(v)!;
      for (const a of v.args) {
        if (!allocated(a) || fused.has(a)) continue;
        extend(a, usePos);
        weigh(a, b);
      }
    }
    for (const v of termOperands(b)) {
      if (!allocated(v) || fused.has(v)) continue;
      extend(v, blockEnd.get(b)!);
      weigh(v, b);
    }
    for (const v of liveOut.get(b)!) extend(v, blockEnd.get(b)!);
  }
  const list = [...intervals.values()].sort((x, y) => x.start - y.start || x.v.id - y.v.id);
  const callerMask = CALLER_SAVED.reduce((m, r) => m | (1 << r), 0);
  for (const it of list) {
    it.crossesCall = spans(calls, it);
    if (it.crossesCall) it.forbidden |= callerMask;
    if (spans(divs, it)) it.forbidden |= (1 << RAX) | (1 << RDX);
  }

  // Linear scan.
  const callee = fn.usesMemory ? CALLEE_SAVED.filter((r) => r !== RBX) : CALLEE_SAVED;
  const free = new Set<number>([...CALLER_SAVED, ...callee]);
  const active: Interval[] = [];
  const loc = new Map<Value, number>();
  let numSlots = 0;
  const usedCallee = new Set<Gpr>();
  const spill = (it: Interval): void => {
    loc.set(it.v, -1 - numSlots++);
  };
  const order = [...CALLER_SAVED, ...callee];
  // A phi and its operands prefer one register: then the edge needs no move (a loop's
  // counter and its increment, an if/else result and its arms).
  const hints = new Map<Value, Value[]>();
  const hint = (a: Value, b: Value): void => {
    let l = hints.get(a);
    if (l === undefined) hints.set(a, (l = []));
    l.push(b);
  };
  for (const b of fn.blocks) {
    for (const phi of b.phis) {
      for (const a of phi.args) {
        if (!allocated(a) || fused.has(a)) continue;
        hint(a, phi);
        hint(phi, a);
      }
    }
  }
  const pick = (it: Interval): number => {
    for (const h of hints.get(it.v) ?? []) {
      const r = intervals.get(h)?.reg ?? -1;
      if (r >= 0 && free.has(r) && (it.forbidden & (1 << r)) === 0) return r;
    }
    for (const r of order) if (free.has(r) && (it.forbidden & (1 << r)) === 0) return r;
    return -1;
  };
  for (const it of list) {
    // Expire intervals that end before (or where) this one starts: an instruction may write
    // its result to the register of an operand it reads for the last time.
    for (let i = active.length - 1; i >= 0; i--) {
      const a = active[i]!;
      if (a.end <= it.start) {
        free.add(a.reg);
        active.splice(i, 1);
      }
    }
    const r = pick(it);
    if (r >= 0) {
      it.reg = r;
      free.delete(r);
      active.push(it);
      continue;
    }
    // No register: the lightest interval (among those whose register this one may use) is
    // spilled, the one that ends last among equals.
    let victim: Interval | null = null;
    for (const a of active) {
      if ((it.forbidden & (1 << a.reg)) !== 0) continue;
      if (victim === null || lighter(a, victim)) victim = a;
    }
    if (victim !== null && lighter(victim, it)) {
      it.reg = victim.reg;
      victim.reg = -1;
      spill(victim);
      active.splice(active.indexOf(victim), 1);
      active.push(it);
    } else {
      spill(it);
    }
  }
  for (const it of list) {
    if (it.reg >= 0) {
      loc.set(it.v, it.reg);
      if (CALLEE_SAVED.includes(it.reg as Gpr)) usedCallee.add(it.reg as Gpr);
    }
  }
  return { loc, numSlots, calleeSaved: [...usedCallee], fused };
}
