// Machine code for an allocated SSA function, with the baseline tier's frame, calling
// convention, trap stubs and offset map (abi.ts), so the two tiers call each other directly.
//
// Frame: [rbp - 8] vmctx, then the callee-saved registers the function uses, then the spill
// slots, then the outgoing argument area at [rsp]. rcx, r10 and r11 are scratch here (never
// allocated, linear-scan.ts); rbx holds memory 0's base when the function accesses memory,
// reloaded after every call (memory.grow in a callee may move it).
import { AluOp, ShiftOp, type Assembler, type Label, type Mem } from '../x64/assembler.js';
import { Cond, invertCond } from '../x64/cond.js';
import { RAX, RBX, RCX, RDX, R10, R11, RBP, RSP, R14, type Gpr } from '../x64/regs.js';
import { nopBytes } from '../x64/extra-nop.js';
import { TrapCode, Vmctx, importedFuncOffset } from '../abi.js';
import { globalPtrOffset } from '../layout.js';
import { MacroAssembler, vmctxMem } from '../lower/masm/macro-assembler.js';
import { TrapStubs } from '../lower/trap-stubs.js';
import type { ModuleEnv } from '../lower/module-env.js';
import { functionStartOffset } from '../lower/offset-map.js';
import { BinOp, BitCountOp, CmpOp, DivOp, Op, type Block, type IrFunction, type Value } from './ir.js';
import type { Allocation } from './linear-scan.js';

const CMP_COND: Cond[] = [Cond.E, Cond.NE, Cond.L, Cond.B, Cond.G, Cond.A, Cond.LE, Cond.BE, Cond.GE, Cond.AE];
const ALU: Partial<Record<BinOp, AluOp>> = { [BinOp.Add]: AluOp.Add, [BinOp.Sub]: AluOp.Sub, [BinOp.And]: AluOp.And, [BinOp.Or]: AluOp.Or, [BinOp.Xor]: AluOp.Xor };
const SHIFT: Partial<Record<BinOp, ShiftOp>> = { [BinOp.Shl]: ShiftOp.Shl, [BinOp.ShrS]: ShiftOp.Sar, [BinOp.ShrU]: ShiftOp.Shr, [BinOp.Rotl]: ShiftOp.Rol, [BinOp.Rotr]: ShiftOp.Ror };
const MEM_SIZE: Mem = vmctxMem(Vmctx.MemSize);
const MEM_BASE: Mem = vmctxMem(Vmctx.MemBase);

/** A signed imm32 for `c` used at `width`, else null. */
function imm32(c: Value, width: number): number | null {
  if (c.op !== Op.Const) return null;
  if (width === 32) return Number(BigInt.asIntN(32, c.imm));
  const s = BigInt.asIntN(64, c.imm);
  return s >= -0x8000_0000n && s <= 0x7fff_ffffn ? Number(s) : null;
}

type Loc = number; // register >= 0, slot -1 - k

export class OptEmitter {
  private readonly a: Assembler;
  private readonly masm: MacroAssembler;
  private readonly stubs: TrapStubs;
  private readonly labels = new Map<Block, Label>();
  private maxOutgoing = 0;
  private readonly savedBase: number;

  constructor(private readonly env: ModuleEnv, private readonly fn: IrFunction, private readonly alloc: Allocation) {
    this.a = env.asm;
    this.masm = new MacroAssembler(env.asm);
    this.stubs = new TrapStubs(this.masm);
    for (const b of fn.blocks) this.labels.set(b, this.a.newLabel());
    this.savedBase = -16;
  }

  private slotMem(loc: Loc): Mem {
    const k = -1 - loc;
    return { base: RBP, disp: this.savedBase - 8 * this.alloc.calleeSaved.length - 8 * k };
  }

  private locOf(v: Value): Loc {
    const l = this.alloc.loc.get(v);
    if (l === undefined) throw new Error(`BUG: value v${v.id} (op ${v.op}) has no location`);
    return l;
  }

  /** `v` in a register: its own, or loaded into `scratch`. */
  private use(v: Value, scratch: Gpr): Gpr {
    if (v.op === Op.Const) {
      this.a.mov_ri(64, scratch, v.imm);
      return scratch;
    }
    const l = this.locOf(v);
    if (l >= 0) return l as Gpr;
    this.a.mov_rm(64, scratch, this.slotMem(l));
    return scratch;
  }

  /** Put `v` into exactly register `r`. */
  private loadInto(r: Gpr, v: Value): void {
    if (v.op === Op.Const) {
      this.a.mov_ri(64, r, v.imm);
      return;
    }
    const l = this.locOf(v);
    if (l === r) return;
    if (l >= 0) this.a.mov_rr(64, r, l as Gpr);
    else this.a.mov_rm(64, r, this.slotMem(l));
  }

  /** The register to compute `v` in: its own, or r11 (then `finish` stores it). */
  private dst(v: Value): Gpr {
    const l = this.locOf(v);
    return l >= 0 ? (l as Gpr) : R11;
  }

  private finish(v: Value, r: Gpr): void {
    const l = this.locOf(v);
    if (l < 0) this.a.mov_mr(64, this.slotMem(l), r);
  }

  emit(): void {
    const a = this.a;
    const env = this.env;
    const m = env.module;
    const body = m.codes[this.fn.funcIndex - m.numImportedFuncs]!;
    const startAt = functionStartOffset(m.bytes, body.offset);
    a.bind(env.funcLabels[this.fn.funcIndex]!);
    a.comment(`func[${this.fn.funcIndex}] (optimized)`);
    env.offsetMap?.record(a.offset, startAt);
    const framePatch = this.masm.enterFrame();
    if (env.stackChecks !== false) this.masm.stackCheck(this.stubs.site(TrapCode.StackOverflow, startAt));
    else nopBytes(a, 9);
    this.masm.saveVmctx();
    this.alloc.calleeSaved.forEach((r, i) => a.mov_mr(64, { base: RBP, disp: this.savedBase - 8 * i }, r));
    if (this.fn.usesMemory) a.mov_rm(64, RBX, MEM_BASE);
    for (let i = 0; i < this.fn.blocks.length; i++) this.block(this.fn.blocks[i]!, this.fn.blocks[i + 1] ?? null);
    this.masm.finish();
    const raw = 8 + 8 * this.alloc.calleeSaved.length + 8 * this.alloc.numSlots + 8 * this.maxOutgoing;
    this.masm.setFrameSize(framePatch, (raw + 15) & ~15);
    this.stubs.emit(env.offsetMap);
  }

  private block(b: Block, next: Block | null): void {
    const a = this.a;
    a.bind(this.labels.get(b)!);
    for (const v of b.insts) {
      if (v.op === Op.Const || this.alloc.fused.has(v)) continue;
      this.env.offsetMap?.record(a.offset, v.wasmAt);
      this.inst(v);
    }
    this.terminator(b, next);
  }

  private inst(v: Value): void {
    const a = this.a;
    switch (v.op) {
      case Op.Param: {
        const d = this.dst(v);
        a.mov_rm(v.width === 32 ? 32 : 64, d, { base: RBP, disp: 16 + 8 * Number(v.imm) });
        this.finish(v, d);
        return;
      }
      case Op.Bin: return this.binary(v);
      case Op.Lea: {
        const d = this.dst(v);
        const base = this.use(v.args[0]!, R10);
        const index = v.args.length > 1 ? this.use(v.args[1]!, RCX) : undefined;
        const mem: Mem = index === undefined ? { base, disp: v.disp } : { base, index, scale: v.scale as 1 | 2 | 4 | 8, disp: v.disp };
        a.lea(v.width === 32 ? 32 : 64, d, mem);
        this.finish(v, d);
        return;
      }
      case Op.Cmp: case Op.Eqz: {
        const c = this.flags(v);
        const d = this.dst(v);
        a.setcc(c, d);
        a.movzx_rr(8, d, d);
        this.finish(v, d);
        return;
      }
      case Op.Wrap: case Op.ZeroExt: {
        const d = this.dst(v);
        a.mov_rr(32, d, this.use(v.args[0]!, R10));
        this.finish(v, d);
        return;
      }
      case Op.SignExt: {
        const d = this.dst(v);
        a.movsx_rr(v.width === 32 ? 32 : 64, Number(v.imm) as 8 | 16 | 32, d, this.use(v.args[0]!, R10));
        this.finish(v, d);
        return;
      }
      case Op.Select: return this.select(v);
      case Op.Load: return this.load(v);
      case Op.Store: return this.store(v);
      case Op.GlobalGet: {
        const d = this.dst(v);
        a.mov_rm(64, R10, vmctxMem(globalPtrOffset(this.env.layout, Number(v.imm))));
        a.mov_rm(v.width === 32 ? 32 : 64, d, { base: R10, disp: 0 });
        this.finish(v, d);
        return;
      }
      case Op.GlobalSet: {
        const x = v.args[0]!;
        const w = x.width === 32 ? 32 : 64;
        a.mov_rm(64, R10, vmctxMem(globalPtrOffset(this.env.layout, Number(v.imm))));
        const k = imm32(x, w);
        if (k !== null) a.mov_mi(w, { base: R10, disp: 0 }, k);
        else a.mov_mr(w, { base: R10, disp: 0 }, this.use(x, RCX));
        return;
      }
      case Op.Call: return this.call(v);
      case Op.Div: return this.div(v);
      case Op.BitCount: {
        const d = this.dst(v);
        const w = v.width === 32 ? 32 : 64;
        const x = this.use(v.args[0]!, R10);
        if (v.sub === BitCountOp.Clz) a.lzcnt_rr(w, d, x);
        else if (v.sub === BitCountOp.Ctz) a.tzcnt_rr(w, d, x);
        else a.popcnt_rr(w, d, x);
        this.finish(v, d);
        return;
      }
      default:
        throw new Error(`BUG: optimizing tier cannot emit op ${v.op}`);
    }
  }

  private binary(v: Value): void {
    const a = this.a;
    const w = v.width === 32 ? 32 : 64;
    const [x, y] = v.args as [Value, Value];
    const d = this.dst(v);
    const k = imm32(y, w);
    const shift = SHIFT[v.sub as BinOp];
    if (shift !== undefined) {
      if (y.op === Op.Const) {
        this.loadInto(d, x);
        a.shift_ri(shift, w, d, Number(y.imm & BigInt(w - 1)));
      } else {
        this.loadInto(RCX, y);
        this.loadInto(d, x);
        a.shift_rcl(shift, w, d);
      }
      this.finish(v, d);
      return;
    }
    if (v.sub === BinOp.Mul && k !== null) {
      a.imul_rri(w, d, this.use(x, R10), k);
      this.finish(v, d);
      return;
    }
    let ry: Gpr | null = null;
    if (k === null) {
      ry = this.use(y, R10);
      // d = x op y with d already holding y: keep y elsewhere first.
      if (ry === d && (x.op === Op.Const || this.locOf(x) !== d)) {
        a.mov_rr(64, R10, ry);
        ry = R10;
      }
    }
    this.loadInto(d, x);
    const alu = ALU[v.sub as BinOp];
    if (alu !== undefined) {
      if (ry === null) a.alu_ri(alu, w, d, k!);
      else a.alu_rr(alu, w, d, ry);
    } else if (v.sub === BinOp.Mul) {
      a.imul_rr(w, d, ry!);
    } else {
      throw new Error(`BUG: binary op ${v.sub}`);
    }
    this.finish(v, d);
  }

  /** Emit the compare (or test) of `v` (a Cmp or Eqz) and return the condition that is true. */
  private flags(v: Value): Cond {
    const a = this.a;
    const w = Number(v.imm) as 32 | 64;
    if (v.op === Op.Eqz) {
      const r = this.use(v.args[0]!, R10);
      a.test_rr(w, r, r);
      return Cond.E;
    }
    const [x, y] = v.args as [Value, Value];
    const rx = this.use(x, R10);
    const k = imm32(y, w);
    if (k !== null) a.alu_ri(AluOp.Cmp, w, rx, k);
    else a.alu_rr(AluOp.Cmp, w, rx, this.use(y, R11));
    return CMP_COND[v.sub as CmpOp]!;
  }

  private select(v: Value): void {
    const a = this.a;
    const [x, y, c] = v.args as [Value, Value, Value];
    const d = this.dst(v);
    const w = v.width === 32 ? 32 : 64;
    let cc: Cond;
    if (this.alloc.fused.has(c)) {
      // The compare right before (select.ts fusedSelectCompares): cmp + cmov.
      cc = this.flags(c);
    } else {
      const rc = this.use(c, RCX);
      a.test_rr(32, rc, rc);
      cc = Cond.NE;
    }
    // Only moves from here on: they leave the flags alone.
    const rx = this.use(x, R10);
    if (rx === d) {
      a.cmov_rr(invertCond(cc), w, d, this.use(y, RCX));
    } else {
      this.loadInto(d, y);
      a.cmov_rr(cc, w, d, rx);
    }
    this.finish(v, d);
  }

  /**
   * x86 division takes rdx:rax (linear-scan.ts keeps values that live across a division out
   * of both). Traps as the baseline's (masm/div-shift.ts): a zero divisor, INT_MIN / -1;
   * INT_MIN % -1 is 0 without executing idiv.
   */
  private div(v: Value): void {
    const a = this.a;
    const w = v.width === 32 ? 32 : 64;
    const [x, y] = v.args as [Value, Value];
    const kind = v.sub as DivOp;
    const signed = kind === DivOp.DivS || kind === DivOp.RemS;
    const k = y.op === Op.Const ? BigInt.asIntN(w, y.imm) : null;
    this.loadInto(RCX, y);
    if (k === null || k === 0n) {
      a.test_rr(w, RCX, RCX);
      a.jcc_label(Cond.E, this.stubs.site(TrapCode.IntegerDivideByZero, v.wasmAt));
    }
    this.loadInto(RAX, x);
    const done = a.newLabel();
    if (signed && (k === null || k === -1n)) {
      const normal = a.newLabel();
      a.alu_ri(AluOp.Cmp, w, RCX, -1);
      a.jcc_label(Cond.NE, normal);
      if (kind === DivOp.DivS) {
        a.neg_r(w, RAX);
        a.jcc_label(Cond.O, this.stubs.site(TrapCode.IntegerOverflow, v.wasmAt));
      } else {
        a.alu_rr(AluOp.Xor, 32, RDX, RDX);
      }
      a.jmp_label(done);
      a.bind(normal);
    }
    if (signed) {
      if (w === 32) a.cdq();
      else a.cqo();
      a.idiv_r(w, RCX);
    } else {
      a.alu_rr(AluOp.Xor, 32, RDX, RDX);
      a.div_r(w, RCX);
    }
    a.bind(done);
    const result = kind === DivOp.DivS || kind === DivOp.DivU ? RAX : RDX;
    const l = this.locOf(v);
    if (l >= 0) {
      if (l !== result) a.mov_rr(64, l as Gpr, result);
    } else {
      a.mov_mr(64, this.slotMem(l), result);
    }
  }

  /** [rbx + address + offset] after the bounds check (explicit mode). */
  private heapOperand(v: Value, size: number): Mem {
    const a = this.a;
    const addr = v.args[0]!;
    const index = this.use(addr, R10);
    if (this.env.boundsChecks !== 'guard') {
      a.lea(64, RCX, { base: index, disp: v.offset + size });
      a.alu_rm(AluOp.Cmp, 64, RCX, MEM_SIZE);
      a.jcc_label(Cond.A, this.stubs.site(TrapCode.OutOfBoundsMemory, v.wasmAt));
    }
    return { base: RBX, index, scale: 1, disp: v.offset };
  }

  private load(v: Value): void {
    const a = this.a;
    const size = Number(v.imm);
    const mem = this.heapOperand(v, size);
    const d = this.dst(v);
    const w = v.width === 32 ? 32 : 64;
    if (size === 8 || (size === 4 && !v.signed)) a.mov_rm(size === 8 ? 64 : 32, d, mem);
    else if (v.signed) a.movsx_rm(w, (size * 8) as 8 | 16 | 32, d, mem);
    else a.movzx_rm((size * 8) as 8 | 16, d, mem);
    this.finish(v, d);
  }

  private store(v: Value): void {
    const size = Number(v.imm);
    const value = v.args[1]!;
    const bits = (size * 8) as 8 | 16 | 32 | 64;
    // The value first: the heap operand takes r10 and rcx.
    // A constant is stored as an immediate: the low bytes, unsigned, below 8 bytes (what
    // mov_mi takes); a sign-extended imm32 for 8.
    const k = value.op !== Op.Const ? null : bits === 64 ? imm32(value, 64) : Number(value.imm & ((1n << BigInt(bits)) - 1n));
    const r = k === null ? this.use(value, R11) : R11;
    const mem = this.heapOperand(v, size);
    if (k !== null) this.a.mov_mi(bits, mem, k);
    else this.a.mov_mr(bits, mem, r);
  }

  private call(v: Value): void {
    const a = this.a;
    const m = this.env.module;
    const callee = Number(v.imm);
    const sig = m.types[m.funcs[callee]!]!;
    const area = Math.max(sig.params.length, sig.results.length);
    if (area > this.maxOutgoing) this.maxOutgoing = area;
    v.args.forEach((x, i) => {
      const out: Mem = { base: RSP, disp: 8 * i };
      const k = imm32(x, 64);
      if (k !== null && x.width === 64) a.mov_mi(64, out, k);
      else if (x.op === Op.Const && x.width === 32) a.mov_mi(32, out, Number(BigInt.asIntN(32, x.imm)));
      else a.mov_mr(64, out, this.use(x, R11));
    });
    this.env.offsetMap?.record(a.offset, v.wasmAt);
    if (callee < m.numImportedFuncs) this.masm.callImport(importedFuncOffset(callee));
    else this.env.callRelocs.push(a.call_rel32(), callee);
    if (this.fn.usesMemory) a.mov_rm(64, RBX, MEM_BASE);
    if (v.width !== 0) {
      const l = this.locOf(v);
      if (l >= 0) a.mov_rr(64, l as Gpr, RAX);
      else a.mov_mr(64, this.slotMem(l), RAX);
    }
  }

  // ── control flow ─────────────────────────────────────────────────────────────────

  /** The parallel copy into `to`'s phis along the edge from `from`. */
  private edgeMoves(from: Block, to: Block): [Loc, Value][] {
    const k = to.preds.indexOf(from);
    const moves: [Loc, Value][] = [];
    for (const phi of to.phis) {
      const src = phi.args[k]!;
      const dst = this.locOf(phi);
      if (src.op !== Op.Const && this.locOf(src) === dst) continue;
      moves.push([dst, src]);
    }
    return moves;
  }

  private moveTo(dst: Loc, src: Gpr): void {
    if (dst >= 0) this.a.mov_rr(64, dst as Gpr, src);
    else this.a.mov_mr(64, this.slotMem(dst), src);
  }

  /** Parallel moves: a move waits while its destination is still some other move's source. */
  private parallelMoves(moves: [Loc, Value][]): void {
    const a = this.a;
    const srcLoc = (v: Value): Loc | null => (v.op === Op.Const ? null : this.locOf(v));
    // Sources: a value, or null for r11, which holds a destination saved to break a cycle.
    const pending: { dst: Loc; src: Value | null }[] = moves.map(([dst, src]) => ({ dst, src }));
    while (pending.length > 0) {
      const blocked = (d: Loc): boolean => pending.some((o) => o.src !== null && o.src.op !== Op.Const && srcLoc(o.src) === d && o.dst !== d);
      const i = pending.findIndex((mv) => !blocked(mv.dst));
      if (i < 0) {
        const d = pending[0]!.dst;
        if (d >= 0) a.mov_rr(64, R11, d as Gpr);
        else a.mov_rm(64, R11, this.slotMem(d));
        for (const o of pending) if (o.src !== null && srcLoc(o.src) === d) o.src = null;
        continue;
      }
      const mv = pending.splice(i, 1)[0]!;
      if (mv.src === null) {
        this.moveTo(mv.dst, R11);
      } else if (mv.src.op === Op.Const) {
        if (mv.dst >= 0) a.mov_ri(64, mv.dst as Gpr, mv.src.imm);
        else {
          a.mov_ri(64, R10, mv.src.imm);
          this.moveTo(mv.dst, R10);
        }
      } else {
        const s = this.locOf(mv.src);
        if (s >= 0) this.moveTo(mv.dst, s as Gpr);
        else {
          const r = mv.dst >= 0 ? (mv.dst as Gpr) : R10;
          a.mov_rm(64, r, this.slotMem(s));
          if (mv.dst < 0) this.moveTo(mv.dst, R10);
        }
      }
    }
  }

  private jumpTo(from: Block, to: Block, next: Block | null): void {
    this.parallelMoves(this.edgeMoves(from, to));
    if (to !== next) this.a.jmp_label(this.labels.get(to)!);
  }

  private terminator(b: Block, next: Block | null): void {
    const a = this.a;
    const t = b.term;
    if (t === null) throw new Error('BUG: block without terminator');
    switch (t.kind) {
      case 'jmp':
        this.jumpTo(b, t.target, next);
        return;
      case 'br': {
        this.env.offsetMap?.record(a.offset, t.wasmAt);
        let c: Cond;
        if (this.alloc.fused.has(t.cond)) {
          c = this.flags(t.cond);
        } else {
          const r = this.use(t.cond, R10);
          a.test_rr(32, r, r);
          c = Cond.NE;
        }
        const takenMoves = this.edgeMoves(b, t.taken);
        if (takenMoves.length === 0 && t.taken !== next) {
          a.jcc_label(c, this.labels.get(t.taken)!);
          this.jumpTo(b, t.notTaken, next);
          return;
        }
        if (takenMoves.length === 0 && t.taken === next && this.edgeMoves(b, t.notTaken).length === 0) {
          a.jcc_label(invertCond(c), this.labels.get(t.notTaken)!);
          return;
        }
        const skip = a.newLabel();
        a.jcc_label(invertCond(c), skip);
        this.parallelMoves(takenMoves);
        a.jmp_label(this.labels.get(t.taken)!);
        a.bind(skip);
        this.jumpTo(b, t.notTaken, next);
        return;
      }
      case 'table': {
        this.env.offsetMap?.record(a.offset, t.wasmAt);
        a.mov_rr(32, R10, this.use(t.index, R10));
        const stubs: [Label, Block][] = [];
        const labelFor = (s: Block): Label => {
          if (this.edgeMoves(b, s).length === 0) return this.labels.get(s)!;
          let st = stubs.find(([, x]) => x === s);
          if (st === undefined) stubs.push((st = [a.newLabel(), s]));
          return st[0];
        };
        this.masm.jumpTable(R10, t.targets.map(labelFor), labelFor(t.fallback));
        for (const [l, s] of stubs) {
          a.bind(l);
          this.jumpTo(b, s, null);
        }
        return;
      }
      case 'ret': {
        this.env.offsetMap?.record(a.offset, t.wasmAt);
        if (t.value !== null) this.loadInto(RAX, t.value);
        this.alloc.calleeSaved.forEach((r, i) => a.mov_rm(64, r, { base: RBP, disp: this.savedBase - 8 * i }));
        this.masm.leaveAndReturn();
        return;
      }
      case 'trap':
        this.env.offsetMap?.record(a.offset, t.wasmAt);
        a.jmp_label(this.stubs.site(TrapCode.Unreachable, t.wasmAt));
        return;
    }
  }
}
void R14;
