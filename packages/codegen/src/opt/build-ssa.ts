// Builds the SSA form of one validated function body straight from the operand stack, with
// the on-the-fly construction of Braun et al. ("Simple and Efficient Construction of Static
// Single Assignment Form", CC 2013): locals are variables, and so are the values a branch
// carries to its label (one variable per label slot), so block results and loop parameters
// become phis exactly where control merges. Blocks are sealed as soon as wasm's structure
// says all their predecessors are known (a block's end label at its `end`, a loop header at
// the loop's `end`).
//
// Anything outside the tier's subset throws Unsupported before any code is emitted; the
// caller then compiles the function with the baseline compiler (compile-optimized.ts).
import { BinaryReader, ALL_FEATURES } from '../wasm/reader.js';
import { Op as W } from '../wasm/opcodes.js';
import { ValType, type FuncType, type WasmModule } from '../wasm/types.js';
import { readImmediates } from '../wasm/body-scan.js';
import { readMemargOffset, memargMemory } from '../wasm/memarg.js';
import { globalType } from '../wasm/module.js';
import { BinOp, CmpOp, Op, resolve, type Block, type IrFunction, type Terminator, type Value, type Width } from './ir.js';
import { commutative, foldBin, foldCmp, identityWithConst, norm, swapCmp } from './fold.js';

/** The function uses something the optimizing tier does not compile yet. */
export class Unsupported extends Error {
  constructor(readonly reason: string) {
    super(`optimizing tier: ${reason}`);
  }
}

const enum Kind { Func, Block, Loop, If }

interface Ctrl {
  kind: Kind;
  /** Operand stack height below the frame's parameters. */
  height: number;
  params: Width[];
  results: Width[];
  /** Where a branch to this frame goes: the loop header, else the end block. */
  label: Block | null;
  /** The block after `end` (null for loops and the function). */
  end: Block | null;
  /** One variable per value a branch carries (loop: params, others: results). */
  vars: number[];
  /** `if`: the else block and the parameter values the else arm starts with. */
  elseBlock: Block | null;
  ifParams: Value[];
  /** The code before this frame's `end` cannot be reached (restored at else/end). */
  deadAtOpen: boolean;
  /** Loops: layout index of the header, and the block that enters it. */
  headerLayout: number;
  preheader: Block | null;
}

function widthOf(t: ValType): Width {
  if (t === ValType.I32) return 32;
  if (t === ValType.I64) return 64;
  throw new Unsupported(`value type 0x${(t as number).toString(16)}`);
}

const LOADS: Record<number, [Width, number, boolean]> = {
  [W.I32Load]: [32, 4, false], [W.I64Load]: [64, 8, false],
  [W.I32Load8S]: [32, 1, true], [W.I32Load8U]: [32, 1, false], [W.I32Load16S]: [32, 2, true], [W.I32Load16U]: [32, 2, false],
  [W.I64Load8S]: [64, 1, true], [W.I64Load8U]: [64, 1, false], [W.I64Load16S]: [64, 2, true], [W.I64Load16U]: [64, 2, false],
  [W.I64Load32S]: [64, 4, true], [W.I64Load32U]: [64, 4, false],
};
const STORES: Record<number, [Width, number]> = {
  [W.I32Store]: [32, 4], [W.I64Store]: [64, 8], [W.I32Store8]: [32, 1], [W.I32Store16]: [32, 2],
  [W.I64Store8]: [64, 1], [W.I64Store16]: [64, 2], [W.I64Store32]: [64, 4],
};
const BINS: Record<number, [Width, BinOp]> = {};
const I32_BINS = [BinOp.Add, BinOp.Sub, BinOp.Mul, -1, -1, -1, -1, BinOp.And, BinOp.Or, BinOp.Xor, BinOp.Shl, BinOp.ShrS, BinOp.ShrU, BinOp.Rotl, BinOp.Rotr];
I32_BINS.forEach((op, i) => { if (op >= 0) { BINS[W.I32Add + i] = [32, op as BinOp]; BINS[W.I64Add + i] = [64, op as BinOp]; } });
const CMP_ORDER = [CmpOp.Eq, CmpOp.Ne, CmpOp.LtS, CmpOp.LtU, CmpOp.GtS, CmpOp.GtU, CmpOp.LeS, CmpOp.LeU, CmpOp.GeS, CmpOp.GeU];

export class SsaBuilder {
  private nextValue = 0;
  private nextBlock = 0;
  private readonly varWidths: Width[] = [];
  private readonly stack: Value[] = [];
  private readonly ctrl: Ctrl[] = [];
  private cur: Block;
  private dead = false;
  private readonly layout: Block[] = [];
  private readonly loops: IrFunction['loops'] = [];
  private usesMemory = false;
  private at = 0;
  readonly entry: Block;
  private readonly sig: FuncType;
  private readonly numLocals: number;

  constructor(private readonly m: WasmModule, private readonly funcIndex: number) {
    this.sig = m.types[m.funcs[funcIndex]!]!;
    if (this.sig.results.length > 1) throw new Unsupported('more than one result');
    this.entry = this.newBlock();
    this.entry.sealed = true;
    this.cur = this.entry;
    this.place(this.entry);
    const body = m.codes[funcIndex - m.numImportedFuncs]!;
    const locals: Width[] = this.sig.params.map(widthOf);
    for (const g of body.localGroups) {
      const w = widthOf(g.type);
      for (let i = 0; i < g.count; i++) locals.push(w);
    }
    this.numLocals = locals.length;
    locals.forEach((w, i) => {
      this.varWidths.push(w);
      const v = i < this.sig.params.length ? this.make(Op.Param, w, []) : this.constant(w, 0n);
      if (i < this.sig.params.length) v.imm = BigInt(i);
      this.entry.defs.set(i, v);
    });
  }

  build(): IrFunction {
    const m = this.m;
    const body = m.codes[this.funcIndex - m.numImportedFuncs]!;
    const r = new BinaryReader(m.bytes, body.bodyStart, body.bodyEnd);
    r.features = ALL_FEATURES;
    const results = this.sig.results.map(widthOf);
    this.ctrl.push(this.frame(Kind.Func, [], results, null, null));
    for (;;) {
      this.at = r.pos;
      const op = r.readU8();
      if (this.dead && this.skipDead(r, op)) continue;
      if (this.op(r, op)) break;
    }
    return {
      funcIndex: this.funcIndex,
      entry: this.entry,
      blocks: this.layout.filter((b) => b === this.entry || b.preds.length > 0),
      numParams: this.sig.params.length,
      result: results.length === 0 ? 0 : results[0]!,
      loops: this.loops,
      usesMemory: this.usesMemory,
    };
  }

  // ── values and blocks ────────────────────────────────────────────────────────────

  private newBlock(): Block {
    return { id: this.nextBlock++, preds: [], phis: [], insts: [], term: null, sealed: false, defs: new Map(), incomplete: new Map(), layout: -1 };
  }

  private place(b: Block): void {
    b.layout = this.layout.length;
    this.layout.push(b);
  }

  private make(op: Op, width: Width | 0, args: Value[], block = this.cur): Value {
    const v: Value = {
      id: this.nextValue++, op, width, args, imm: 0n, sub: 0, offset: 0, signed: false, scale: 1, disp: 0,
      block, wasmAt: this.at, replacedBy: null,
    };
    if (op === Op.Phi) block.phis.push(v);
    else block.insts.push(v);
    return v;
  }

  private constant(width: Width, bits: bigint): Value {
    // Constants live in the entry block: they dominate every use, and cost no code there
    // (the emitter puts them into instructions as immediates).
    const v = this.make(Op.Const, width, [], this.entry);
    v.imm = norm(bits, width);
    return v;
  }

  private terminate(t: Terminator): void {
    this.cur.term = t;
    const succs = t.kind === 'jmp' ? [t.target] : t.kind === 'br' ? [t.taken, t.notTaken]
      : t.kind === 'table' ? [...t.targets, t.fallback] : [];
    for (const s of succs) {
      if (s.sealed) throw new Error('BUG: edge into a sealed block');
      if (!s.preds.includes(this.cur)) s.preds.push(this.cur);
    }
  }

  // ── Braun et al. ─────────────────────────────────────────────────────────────────

  private newVar(w: Width): number {
    this.varWidths.push(w);
    return this.varWidths.length - 1;
  }

  private write(variable: number, b: Block, v: Value): void {
    b.defs.set(variable, v);
  }

  private read(variable: number, b: Block): Value {
    const v = b.defs.get(variable);
    if (v !== undefined) return resolve(v);
    return this.readRecursive(variable, b);
  }

  private readRecursive(variable: number, b: Block): Value {
    let v: Value;
    if (!b.sealed) {
      v = this.make(Op.Phi, this.varWidths[variable]!, [], b);
      b.incomplete.set(variable, v);
    } else if (b.preds.length === 1) {
      v = this.read(variable, b.preds[0]!);
    } else {
      const phi = this.make(Op.Phi, this.varWidths[variable]!, [], b);
      this.write(variable, b, phi);
      v = this.addPhiOperands(variable, phi);
    }
    this.write(variable, b, v);
    return v;
  }

  private addPhiOperands(variable: number, phi: Value): Value {
    for (const p of phi.block.preds) phi.args.push(this.read(variable, p));
    return this.tryRemoveTrivialPhi(phi);
  }

  /** A phi whose operands are all one value (or itself) is that value. */
  private tryRemoveTrivialPhi(phi: Value): Value {
    let same: Value | null = null;
    for (const a of phi.args) {
      const op = resolve(a);
      if (op === same || op === phi) continue;
      if (same !== null) return phi;
      same = op;
    }
    // No operand at all: the block is unreachable; any value of the width serves.
    if (same === null) same = this.constant(phi.width as Width, 0n);
    phi.replacedBy = same;
    const list = phi.block.phis;
    list.splice(list.indexOf(phi), 1);
    return same;
  }

  private seal(b: Block): void {
    for (const [variable, phi] of b.incomplete) this.addPhiOperands(variable, phi);
    b.incomplete.clear();
    b.sealed = true;
  }

  // ── operand stack ────────────────────────────────────────────────────────────────

  private push(v: Value): void {
    this.stack.push(v);
  }

  private pop(): Value {
    const v = this.stack.pop();
    if (v === undefined) throw new Error('BUG: operand stack underflow in a validated body');
    return resolve(v);
  }

  private popN(n: number): Value[] {
    const out = this.stack.splice(this.stack.length - n, n).map(resolve);
    if (out.length !== n) throw new Error('BUG: operand stack underflow in a validated body');
    return out;
  }

  private frame(kind: Kind, params: Width[], results: Width[], label: Block | null, end: Block | null): Ctrl {
    const carried = kind === Kind.Loop ? params : results;
    return {
      kind, height: this.stack.length - params.length, params, results, label, end,
      vars: carried.map((w) => this.newVar(w)), elseBlock: null, ifParams: [], deadAtOpen: this.dead,
      headerLayout: -1, preheader: null,
    };
  }

  private blockType(r: BinaryReader): [Width[], Width[]] {
    const bt = r.readBlockType();
    if (bt.kind === 'empty') return [[], []];
    if (bt.kind === 'value') return [[], [widthOf(bt.type)]];
    const t = this.m.types[bt.typeIndex]!;
    return [t.params.map(widthOf), t.results.map(widthOf)];
  }

  /** Write the top values into `target`'s label variables (they stay on the stack). */
  private carryTo(target: Ctrl): Block | null {
    if (target.kind === Kind.Func) return null;
    const n = target.vars.length;
    for (let i = 0; i < n; i++) this.write(target.vars[i]!, this.cur, resolve(this.stack[this.stack.length - n + i]!));
    return target.label;
  }

  private returnTerm(): Terminator {
    const n = this.sig.results.length;
    return { kind: 'ret', value: n === 0 ? null : resolve(this.stack[this.stack.length - 1]!), wasmAt: this.at };
  }

  /** A branch to the frame `depth` levels out: its label, or a return from the function. */
  private branchTerm(depth: number): Terminator {
    const target = this.ctrl[this.ctrl.length - 1 - depth]!;
    const label = this.carryTo(target);
    return label === null ? this.returnTerm() : { kind: 'jmp', target: label };
  }

  private goDead(): void {
    this.dead = true;
    const f = this.ctrl[this.ctrl.length - 1]!;
    this.stack.length = f.height;
  }

  /** Continue in a fresh block whose only predecessor is the current one's fallthrough. */
  private continueIn(b: Block): void {
    this.seal(b);
    this.cur = b;
    this.place(b);
  }

  // ── dead code ────────────────────────────────────────────────────────────────────

  private deadDepth = 0;

  /** In unreachable code: skip operators, tracking nesting; false when `op` must run. */
  private skipDead(r: BinaryReader, op: number): boolean {
    if (op === W.Block || op === W.Loop || op === W.If) {
      r.readBlockType();
      this.deadDepth++;
      return true;
    }
    if (op === W.End || op === W.Else) {
      if (this.deadDepth === 0) return false;
      if (op === W.End) this.deadDepth--;
      return true;
    }
    readImmediates(r, op, this.at);
    return true;
  }

  // ── operators ────────────────────────────────────────────────────────────────────

  /** Returns true at the function's final `end`. */
  private op(r: BinaryReader, op: number): boolean {
    switch (op) {
      case W.Nop: return false;
      case W.Unreachable:
        this.terminate({ kind: 'trap', wasmAt: this.at });
        this.goDead();
        return false;
      case W.Block: case W.Loop: {
        const [params, results] = this.blockType(r);
        if (op === W.Block) {
          this.ctrl.push(this.frame(Kind.Block, params, results, null, null));
          const f = this.ctrl[this.ctrl.length - 1]!;
          f.end = f.label = this.newBlock();
          return false;
        }
        const header = this.newBlock();
        const f = this.frame(Kind.Loop, params, results, header, null);
        this.ctrl.push(f);
        const pre = this.cur;
        this.carryTo(f);
        this.terminate({ kind: 'jmp', target: header });
        this.popN(params.length);
        this.cur = header;
        this.place(header);
        f.headerLayout = header.layout;
        f.preheader = pre;
        for (const v of f.vars) this.push(this.read(v, header));
        return false;
      }
      case W.If: {
        const [params, results] = this.blockType(r);
        const cond = this.pop();
        const f = this.frame(Kind.If, params, results, null, null);
        this.ctrl.push(f);
        f.end = f.label = this.newBlock();
        f.elseBlock = this.newBlock();
        f.ifParams = this.stack.slice(this.stack.length - params.length).map(resolve);
        const then = this.newBlock();
        this.terminate({ kind: 'br', cond, taken: then, notTaken: f.elseBlock, wasmAt: this.at });
        this.continueIn(then);
        return false;
      }
      case W.Else: {
        const f = this.ctrl[this.ctrl.length - 1]!;
        this.endArm(f);
        this.startElse(f);
        return false;
      }
      case W.End: {
        const f = this.ctrl[this.ctrl.length - 1]!;
        if (f.kind === Kind.Func) {
          if (!this.dead) this.terminate(this.returnTerm());
          return true;
        }
        if (f.kind === Kind.If && f.elseBlock !== null) {
          // An `if` without `else`: the else arm passes the parameters through.
          this.endArm(f);
          this.startElse(f);
        }
        if (f.kind === Kind.Loop) {
          this.seal(f.label!);
          this.loops.push({ header: f.label!, preheader: f.preheader!, end: this.layout.length });
          this.ctrl.pop();
          return false;
        }
        this.endArm(f);
        this.ctrl.pop();
        const end = f.end!;
        this.seal(end);
        this.stack.length = f.height;
        if (end.preds.length === 0) {
          this.dead = true;
          this.stack.length = this.ctrl[this.ctrl.length - 1]!.height;
          // Still dead: the enclosing frame's code after this `end` is unreachable.
          return false;
        }
        this.dead = false;
        this.cur = end;
        this.place(end);
        for (const v of f.vars) this.push(this.read(v, end));
        return false;
      }
      case W.Br: {
        this.terminate(this.branchTerm(r.readVarU32()));
        this.goDead();
        return false;
      }
      case W.BrIf: {
        const depth = r.readVarU32();
        const cond = this.pop();
        const t = this.branchTerm(depth);
        const next = this.newBlock();
        if (t.kind === 'jmp') {
          this.terminate({ kind: 'br', cond, taken: t.target, notTaken: next, wasmAt: this.at });
        } else {
          // A conditional return: the return gets a block of its own.
          const ret = this.newBlock();
          this.terminate({ kind: 'br', cond, taken: ret, notTaken: next, wasmAt: this.at });
          this.continueIn(ret);
          this.terminate(t);
        }
        this.continueIn(next);
        return false;
      }
      case W.BrTable: {
        const n = r.readVarU32();
        const depths: number[] = [];
        for (let i = 0; i <= n; i++) depths.push(r.readVarU32());
        const index = this.pop();
        let ret: Block | null = null;
        const blocks = depths.map((d) => {
          const label = this.carryTo(this.ctrl[this.ctrl.length - 1 - d]!);
          // A return: one block of its own for all such entries (a target must be a block).
          return label ?? (ret ??= this.newBlock());
        });
        const fallback = blocks.pop()!;
        this.terminate({ kind: 'table', index, targets: blocks, fallback, wasmAt: this.at });
        if (ret !== null) {
          this.continueIn(ret);
          this.terminate(this.returnTerm());
        }
        this.goDead();
        return false;
      }
      case W.Return:
        this.terminate(this.returnTerm());
        this.goDead();
        return false;
      case W.Call: return this.call(r.readVarU32()), false;
      case W.Drop: this.pop(); return false;
      case W.Select: case W.SelectT: {
        if (op === W.SelectT) {
          const n = r.readVarU32();
          for (let i = 0; i < n; i++) widthOf(r.readU8() as ValType);
        }
        const c = this.pop();
        const b = this.pop();
        const a = this.pop();
        if (c.op === Op.Const) this.push(c.imm !== 0n ? a : b);
        else if (a === b) this.push(a);
        else this.push(this.make(Op.Select, a.width, [a, b, c]));
        return false;
      }
      case W.LocalGet: this.push(this.read(r.readVarU32(), this.cur)); return false;
      case W.LocalSet: this.write(r.readVarU32(), this.cur, this.pop()); return false;
      case W.LocalTee: {
        const v = this.pop();
        this.write(r.readVarU32(), this.cur, v);
        this.push(v);
        return false;
      }
      case W.GlobalGet: case W.GlobalSet: {
        const g = r.readVarU32();
        const w = widthOf(globalType(this.m, g).type);
        if (op === W.GlobalGet) {
          const v = this.make(Op.GlobalGet, w, []);
          v.imm = BigInt(g);
          this.push(v);
        } else {
          const v = this.make(Op.GlobalSet, 0, [this.pop()]);
          v.imm = BigInt(g);
        }
        return false;
      }
      case W.I32Const: this.push(this.constant(32, BigInt(r.readVarS32()))); return false;
      case W.I64Const: this.push(this.constant(64, r.readVarS64())); return false;
      case W.I32Eqz: case W.I64Eqz: {
        const a = this.pop();
        if (a.op === Op.Const) {
          this.push(this.constant(32, a.imm === 0n ? 1n : 0n));
        } else {
          const v = this.make(Op.Eqz, 32, [a]);
          v.imm = BigInt(a.width);
          this.push(v);
        }
        return false;
      }
      case W.I32WrapI64: {
        const a = this.pop();
        this.push(a.op === Op.Const ? this.constant(32, a.imm) : this.make(Op.Wrap, 32, [a]));
        return false;
      }
      case W.I64ExtendI32U: {
        const a = this.pop();
        this.push(a.op === Op.Const ? this.constant(64, a.imm) : this.make(Op.ZeroExt, 64, [a]));
        return false;
      }
      case W.I64ExtendI32S: return this.signExt(64, 32), false;
      case W.I32Extend8S: return this.signExt(32, 8), false;
      case W.I32Extend16S: return this.signExt(32, 16), false;
      case W.I64Extend8S: return this.signExt(64, 8), false;
      case W.I64Extend16S: return this.signExt(64, 16), false;
      case W.I64Extend32S: return this.signExt(64, 32), false;
    }
    if (op >= W.I32Eq && op <= W.I32GeU) return this.compare(32, CMP_ORDER[op - W.I32Eq]!), false;
    if (op >= W.I64Eq && op <= W.I64GeU) return this.compare(64, CMP_ORDER[op - W.I64Eq]!), false;
    if ((op >= W.I32DivS && op <= W.I32RemU) || (op >= W.I64DivS && op <= W.I64RemU)) {
      const width: Width = op <= W.I32RemU ? 32 : 64;
      const y = this.pop();
      const v = this.make(Op.Div, width, [this.pop(), y]);
      v.sub = op - (width === 32 ? W.I32DivS : W.I64DivS);
      this.push(v);
      return false;
    }
    if ((op >= W.I32Clz && op <= W.I32Popcnt) || (op >= W.I64Clz && op <= W.I64Popcnt)) {
      const width: Width = op <= W.I32Popcnt ? 32 : 64;
      const v = this.make(Op.BitCount, width, [this.pop()]);
      v.sub = op - (width === 32 ? W.I32Clz : W.I64Clz);
      this.push(v);
      return false;
    }
    const bin = BINS[op];
    if (bin !== undefined) return this.binary(bin[0], bin[1]), false;
    const load = LOADS[op];
    if (load !== undefined) return this.load(r, load[0], load[1], load[2]), false;
    const store = STORES[op];
    if (store !== undefined) return this.store(r, store[1]), false;
    throw new Unsupported(`operator 0x${op.toString(16)}`);
  }

  /** The end of the current arm of `f` (live code falls through to f's end block). */
  private endArm(f: Ctrl): void {
    if (!this.dead) {
      this.carryTo(f);
      this.terminate({ kind: 'jmp', target: f.end! });
    }
  }

  private startElse(f: Ctrl): void {
    const e = f.elseBlock!;
    f.elseBlock = null;
    this.stack.length = f.height;
    this.dead = f.deadAtOpen;
    if (this.dead) return;
    this.continueIn(e);
    for (const p of f.ifParams) this.push(p);
  }

  private call(funcIndex: number): void {
    const m = this.m;
    const sig = m.types[m.funcs[funcIndex]!]!;
    if (sig.results.length > 1) throw new Unsupported('a call with more than one result');
    sig.params.forEach(widthOf);
    const width = sig.results.length === 0 ? 0 : widthOf(sig.results[0]!);
    const v = this.make(Op.Call, width, this.popN(sig.params.length));
    v.imm = BigInt(funcIndex);
    if (width !== 0) this.push(v);
  }

  private signExt(width: Width, from: number): void {
    const a = this.pop();
    if (a.op === Op.Const) {
      this.push(this.constant(width, BigInt.asIntN(from, a.imm)));
      return;
    }
    const v = this.make(Op.SignExt, width, [a]);
    v.imm = BigInt(from);
    this.push(v);
  }

  private compare(width: Width, cmp: CmpOp): void {
    let b = this.pop();
    let a = this.pop();
    if (a.op === Op.Const && b.op === Op.Const) {
      this.push(this.constant(32, foldCmp(cmp, width, a.imm, b.imm) ? 1n : 0n));
      return;
    }
    // A constant goes right, where the compare takes it as an immediate.
    if (a.op === Op.Const) {
      [a, b] = [b, a];
      cmp = swapCmp(cmp);
    }
    const v = this.make(Op.Cmp, 32, [a, b]);
    v.sub = cmp;
    v.imm = BigInt(width); // (the operands' width)
    this.push(v);
  }

  private binary(width: Width, op: BinOp): void {
    let b = this.pop();
    let a = this.pop();
    if (a.op === Op.Const && b.op === Op.Const) {
      this.push(this.constant(width, foldBin(op, width, a.imm, b.imm)));
      return;
    }
    if (a.op === Op.Const && commutative(op)) [a, b] = [b, a];
    if (b.op === Op.Const) {
      if (identityWithConst(op, width, b.imm) === 'x') {
        this.push(a);
        return;
      }
      if (op === BinOp.Mul && b.imm !== 0n && (b.imm & (b.imm - 1n)) === 0n) {
        // x * 2^k is a shift.
        let k = 0n;
        while ((1n << k) !== b.imm) k++;
        op = BinOp.Shl;
        b = this.constant(width, k);
      } else if (op === BinOp.Sub) {
        // x - c is x + (-c): adds fold into address arithmetic (fold.ts), subtractions do not.
        op = BinOp.Add;
        b = this.constant(width, -b.imm);
      }
    }
    const v = this.make(Op.Bin, width, [a, b]);
    v.sub = op;
    this.push(v);
  }

  private memarg(r: BinaryReader): number {
    const offset = readMemargOffset(r);
    if (memargMemory !== 0) throw new Unsupported('a memory other than memory 0');
    const mem = this.m.memories[0];
    if (mem === undefined || mem.address64 === true) throw new Unsupported('a 64-bit memory');
    if (offset > 0x7fff_0000) throw new Unsupported('a memory offset above 2^31');
    this.usesMemory = true;
    return offset;
  }

  private load(r: BinaryReader, width: Width, size: number, signed: boolean): void {
    const offset = this.memarg(r);
    const v = this.make(Op.Load, width, [this.pop()]);
    v.imm = BigInt(size);
    v.offset = offset;
    v.signed = signed;
    this.push(v);
  }

  private store(r: BinaryReader, size: number): void {
    const offset = this.memarg(r);
    const value = this.pop();
    const v = this.make(Op.Store, 0, [this.pop(), value]);
    v.imm = BigInt(size);
    v.offset = offset;
  }
}

export function buildSsa(m: WasmModule, funcIndex: number): IrFunction {
  return new SsaBuilder(m, funcIndex).build();
}
