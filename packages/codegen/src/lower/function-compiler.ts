// The per-function state of the single pass: value stack, registers, frame, control frames,
// and the primitives every op family builds on (materialise, spill, pop to a register).
import { Assembler, type Label, type Mem } from '../x64/assembler.js';
import type { Gpr, Xmm } from './masm/registers.js';
import { nopBytes } from '../x64/extra-nop.js';
import { ValType, type FuncType, type WasmModule } from '../wasm/types.js';
import { TrapCode } from '../abi.js';
import { Kind, type Val, localVal, regVal, stackVal } from './value.js';
import { RegClass, regClassOf } from './reg-class.js';
import { RegAlloc } from './regalloc.js';
import { Frame, areaSlotsOf, rbpMem } from './frame.js';
import { mayHoldV128 } from './v128-use.js';
import { CtrlKind, type Ctrl } from './control.js';
import type { ModuleEnv } from './module-env.js';
import { TrapStubs } from './trap-stubs.js';
import { functionStartOffset } from './offset-map.js';
import { emitEntryInterruptChecks, hasEpochChecks } from './interrupt-checks.js';
import { FuelMeter } from './fuel-meter.js';
import type { PendingOp, PendingSlot } from './pending-op.js';
import { chooseLocalHomes, type LocalHomes } from './local-regs.js';
import type { LocalUses } from './local-uses.js';
import { MacroAssembler } from './masm/macro-assembler.js';
import { SimdAsm } from './masm/simd-asm.js';
import { resultReg } from './masm/registers.js';

export class FunctionCompiler {
  readonly stack: Val[] = [];
  readonly ctrl: Ctrl[] = [];
  readonly ra = new RegAlloc();
  readonly frame: Frame;
  readonly localTypes: ValType[];
  /** Register homes of the hottest integer locals (see local-regs.ts). */
  readonly homes: LocalHomes;
  readonly sig: FuncType;
  /** Out-of-line trap stubs used by this function, emitted after its body. */
  private readonly trapStubs: TrapStubs;
  /**
   * wasm byte offset of the operator being compiled (set by the dispatch loop): the trap
   * stubs created now report it. Before the first operator (the prologue's stack check), the
   * function's start.
   */
  opOffset: number;
  /** True while the current code position cannot be reached (after br, return, unreachable). */
  dead = false;
  /** The previous operator, when its code waits for this one (see pending-op.ts). */
  pending: PendingOp | null = null;
  /** Where setPending writes a compare or ALU op that waits (pending-op.ts). */
  readonly pendingSlot: PendingSlot = { kind: 0, size: 0, cond: 0, cmp: 0, op: 0, local: 0 };
  /** Fuel accounting (CompileOptions.consumeFuel), else null. */
  readonly fuel: FuelMeter | null;
  private frameSizePatch = -1;
  /** Landing pads' `sub rsp, FRAME` (exception handling), patched with the frame size at the end. */
  readonly padFramePatches: number[] = [];
  /** Index of the hidden local of the first legacy `try` (see the constructor). */
  readonly firstTryLocal: number;
  /** Legacy `try` blocks entered so far: the next one's hidden local is firstTryLocal + this. */
  legacyTriesSeen = 0;
  /** Everything with a fixed register: scratch, vmctx, frame, calls, jump tables. */
  readonly masm: MacroAssembler;
  /** SIMD emission, AVX or SSE4.1 forms (CompileOptions.simdAvx). */
  readonly simd: SimdAsm;

  constructor(
    readonly asm: Assembler,
    readonly env: ModuleEnv,
    readonly funcIndex: number,
    /** The body's local uses recorded by its validation (local-uses.ts), else null: scanned here. */
    uses: LocalUses | null = null,
  ) {
    const m = env.module;
    this.sig = m.types[m.funcs[funcIndex]!]!;
    const body = m.codes[funcIndex - m.numImportedFuncs]!;
    this.localTypes = [...this.sig.params];
    for (const g of body.localGroups) for (let i = 0; i < g.count; i++) this.localTypes.push(g.type);
    this.homes = chooseLocalHomes(m.bytes, body.bodyStart, body.bodyEnd, this.localTypes, hasEpochChecks(env), uses,
      m.features?.exceptions === true);
    // Exception handling: a hidden exnref local per legacy `try`, for its catches' rethrow.
    this.firstTryLocal = this.localTypes.length;
    for (let i = 0; i < this.homes.legacyTries; i++) this.localTypes.push(ValType.ExnRef);
    // Caller-saved homes belong to their locals for the whole function: never temporaries.
    for (const r of this.homes.scratch) this.ra.take(RegClass.Gpr, r);
    this.frame = new Frame(this.localTypes, this.sig.params.length, this.homes.used.length + this.homes.usedXmm.length,
      mayHoldV128(m, this.localTypes, body.bodyStart, body.bodyEnd));
    this.masm = new MacroAssembler(asm);
    this.simd = new SimdAsm(asm, env.simdAvx);
    this.trapStubs = new TrapStubs(this.masm);
    this.fuel = env.consumeFuel ? new FuelMeter(asm) : null;
    this.opOffset = functionStartOffset(m.bytes, body.offset);
  }

  get module(): WasmModule {
    return this.env.module;
  }

  // ── value stack ───────────────────────────────────────────────────────────────────

  push(v: Val): void {
    this.stack.push(v);
    if (this.stack.length > this.frame.maxDepth) this.frame.maxDepth = this.stack.length;
  }

  pop(): Val {
    const v = this.stack.pop();
    if (!v) throw new Error(`BUG: value stack underflow in function ${this.funcIndex}`);
    return v;
  }

  peek(depth = 0): Val {
    const v = this.stack[this.stack.length - 1 - depth];
    if (!v) throw new Error(`BUG: value stack underflow in function ${this.funcIndex}`);
    return v;
  }

  /** Release the register a popped value held, if any. */
  release(v: Val): void {
    if (v.kind === Kind.Reg) this.ra.free(regClassOf(v.type), v.reg);
  }

  // ── registers ─────────────────────────────────────────────────────────────────────

  /** A free register of class `rc`, spilling the deepest register-held value if needed. */
  allocReg(rc: RegClass, pinned = 0): number {
    for (;;) {
      const r = this.ra.tryAlloc(rc, pinned);
      if (r >= 0) return r;
      this.spillOneReg(rc, pinned);
    }
  }

  allocGpr(pinned = 0): Gpr {
    return this.allocReg(RegClass.Gpr, pinned) as Gpr;
  }

  allocXmm(pinned = 0): Xmm {
    return this.allocReg(RegClass.Xmm, pinned) as Xmm;
  }

  private spillOneReg(rc: RegClass, pinned: number): void {
    for (let i = 0; i < this.stack.length; i++) {
      const v = this.stack[i]!;
      if (v.kind === Kind.Reg && regClassOf(v.type) === rc && (pinned & (1 << v.reg)) === 0) {
        this.spillAt(i);
        return;
      }
    }
    throw new Error('BUG: no register to spill');
  }

  /** Make register `r` free, moving (or spilling) the value that holds it. */
  evict(rc: RegClass, r: number, pinned = 0): void {
    if (this.ra.isFree(rc, r)) return;
    const i = this.stack.findIndex((v) => v.kind === Kind.Reg && v.reg === r && regClassOf(v.type) === rc);
    if (i < 0) throw new Error(`BUG: register ${r} is taken but held by no stack entry`);
    const v = this.stack[i]!;
    const to = this.ra.tryAlloc(rc, pinned | (1 << r));
    if (to < 0) {
      this.spillAt(i);
      return;
    }
    if (rc === RegClass.Gpr) this.asm.mov_rr(64, to as Gpr, r as Gpr);
    else this.asm.movaps_rr(to as Xmm, r as Xmm);
    this.ra.free(rc, r);
    this.stack[i] = regVal(v.type, to);
  }

  /** Take a specific register for the caller's own use (evicting its current holder). */
  claim(rc: RegClass, r: number, pinned = 0): void {
    this.evict(rc, r, pinned);
    this.ra.take(rc, r);
  }

  // ── moving values ─────────────────────────────────────────────────────────────────

  /** Emit code that puts `v` into register `r` (which the caller owns). Does not release v. */
  loadInto(v: Val, r: number): void {
    const a = this.asm;
    const xmm = regClassOf(v.type) === RegClass.Xmm;
    switch (v.kind) {
      case Kind.Reg:
        if (v.reg === r) return;
        if (xmm) a.movaps_rr(r as Xmm, v.reg as Xmm);
        else a.mov_rr(v.type === ValType.I32 ? 32 : 64, r as Gpr, v.reg as Gpr);
        return;
      case Kind.Const:
        this.loadConst(v, r);
        return;
      case Kind.Local: {
        const home = this.homeOf(v.local);
        if (home < 0) this.loadMem(v.type, r, this.frame.localMem(v.local));
        else if (xmm) a.movaps_rr(r as Xmm, home as Xmm);
        else a.mov_rr(v.type === ValType.I32 ? 32 : 64, r as Gpr, home as Gpr);
        return;
      }
      case Kind.Stack:
        throw new Error('BUG: loadInto(Stack) needs the position; use loadAt');
    }
  }

  loadMem(type: ValType, r: number, m: Mem): void {
    switch (type) {
      case ValType.I32: this.asm.mov_rm(32, r as Gpr, m); break;
      case ValType.F32: this.asm.movs_rm(32, r as Xmm, m); break;
      case ValType.F64: this.asm.movs_rm(64, r as Xmm, m); break;
      case ValType.V128: this.masm.loadV128(r as Xmm, m); break;
      default: this.asm.mov_rm(64, r as Gpr, m); break;
    }
  }

  private loadConst(v: Val, r: number): void {
    const a = this.asm;
    switch (v.type) {
      case ValType.I32:
        a.mov_ri(32, r as Gpr, v.value as number); // (an int32: the low 32 bits are the same)
        return;
      case ValType.F32:
        this.masm.loadFloatBits(32, r as Xmm, (v.value as number) >>> 0);
        return;
      case ValType.F64:
        this.masm.loadFloatBits(64, r as Xmm, v.value as bigint);
        return;
      case ValType.V128:
        this.masm.loadV128Bits(r as Xmm, v.value as bigint);
        return;
      default:
        a.mov_ri(64, r as Gpr, BigInt.asUintN(64, BigInt(v.value)));
    }
  }

  /** Store `v` (at stack position `pos` when it is Stack-kind) into memory `m`. */
  storeVal(v: Val, pos: number, m: Mem): void {
    const a = this.asm;
    switch (v.kind) {
      case Kind.Reg:
        if (v.type === ValType.V128) this.masm.storeV128(m, v.reg as Xmm);
        else if (regClassOf(v.type) === RegClass.Xmm) a.movs_mr(64, m, v.reg as Xmm);
        else a.mov_mr(64, m, v.reg as Gpr);
        return;
      case Kind.Const: {
        if (v.type === ValType.V128) {
          this.masm.storeV128Bits(m, v.value as bigint);
          return;
        }
        // An i32 is an int32, an f32 a u32 bit pattern: `| 0` is the signed imm32 (no BigInt).
        if (v.type === ValType.I32 || v.type === ValType.F32) {
          a.mov_mi(32, m, (v.value as number) | 0);
          return;
        }
        const bits = BigInt.asIntN(64, BigInt(v.value));
        if (bits >= -0x80000000n && bits <= 0x7fffffffn) a.mov_mi(64, m, Number(bits));
        else this.masm.storeImm64(m, BigInt.asUintN(64, bits));
        return;
      }
      case Kind.Local: {
        const home = this.homeOf(v.local);
        if (home >= 0) {
          if (v.type === ValType.V128) this.masm.storeV128(m, home as Xmm);
          else if (regClassOf(v.type) === RegClass.Xmm) a.movs_mr(64, m, home as Xmm);
          else a.mov_mr(64, m, home as Gpr);
          return;
        }
        this.copySlot(v.type, m, this.frame.localMem(v.local));
        return;
      }
      case Kind.Stack: {
        const src = this.frame.spillMem(pos);
        if (src.disp === m.disp && src.base === m.base) return;
        this.copySlot(v.type, m, src);
        return;
      }
    }
  }

  /** Copy a value of type t between two frame slots. */
  copySlot(t: ValType, dst: Mem, src: Mem): void {
    if (t === ValType.V128) this.masm.copy128(dst, src);
    else this.masm.copy64(dst, src);
  }

  /** Spill the entry at stack position `i` to its slot. */
  spillAt(i: number): void {
    const v = this.stack[i]!;
    if (v.kind === Kind.Stack) return;
    this.storeVal(v, i, this.frame.spillMem(i));
    this.release(v);
    this.stack[i] = stackVal(v.type);
  }

  /** Spill every entry: the canonical state at labels, branches and calls. */
  spillAll(): void {
    for (let i = 0; i < this.stack.length; i++) this.spillAt(i);
  }

  /** Local `index` is about to change: entries that read it lazily must take its value now. */
  materializeLocal(index: number): void {
    for (let i = 0; i < this.stack.length; i++) {
      const v = this.stack[i]!;
      if (v.kind === Kind.Local && v.local === index) {
        const r = this.ra.tryAlloc(regClassOf(v.type));
        if (r < 0) this.spillAt(i);
        else {
          this.loadInto(v, r);
          this.stack[i] = regVal(v.type, r);
        }
      }
    }
  }

  /** Pop the top value into a register the caller then owns. */
  popToReg(pinned = 0): number {
    const pos = this.stack.length - 1;
    const v = this.pop();
    if (v.kind === Kind.Reg && (pinned & (1 << v.reg)) === 0) return v.reg;
    const rc = regClassOf(v.type);
    const r = this.allocReg(rc, pinned);
    if (v.kind === Kind.Stack) this.loadMem(v.type, r, this.frame.spillMem(pos));
    else this.loadInto(v, r);
    this.release(v);
    return r;
  }

  /** Pop the top value into exactly register `r` (claimed for the caller). */
  popToSpecific(r: number, pinned = 0): void {
    const pos = this.stack.length - 1;
    const v = this.peek();
    const rc = regClassOf(v.type);
    if (v.kind === Kind.Reg && v.reg === r) {
      this.pop();
      return;
    }
    this.claim(rc, r, pinned);
    this.pop();
    if (v.kind === Kind.Stack) this.loadMem(v.type, r, this.frame.spillMem(pos));
    else this.loadInto(v, r);
    this.release(v);
  }

  /** Memory operand for a popped value that lives in a frame slot, else null. */
  memOf(v: Val, pos: number): Mem | null {
    if (v.kind === Kind.Stack) return this.frame.spillMem(pos);
    if (v.kind === Kind.Local && this.homeOf(v.local) < 0) return this.frame.localMem(v.local);
    return null;
  }

  // ── traps ─────────────────────────────────────────────────────────────────────────

  /**
   * The out-of-line stub label for a trap at the current operator; the stub is emitted after
   * the body and tells the unwinder where the trap happened (see trap-stubs.ts).
   */
  trap(code: TrapCode): Label {
    return this.trapStubs.site(code, this.opOffset);
  }

  /** Stub for a failed host_call at the current operator: its status (a TrapCode) is in eax. */
  hostFailure(): Label {
    return this.trapStubs.hostFailure(this.opOffset);
  }

  // ── prologue / epilogue ───────────────────────────────────────────────────────────

  /**
   * The frame is allocated first (`sub rsp` does not touch memory), then rsp — now the
   * bottom of the whole frame: saved vmctx, locals, spill slots, outgoing area — is compared
   * with the limit in r15, before anything is stored in the frame: one compare against the
   * pinned register and one never-taken forward branch to an out-of-line stub, for frames of
   * any size (one larger than the host reserve included). Only the return address and the
   * saved rbp can lie below the limit before the check (16 bytes, inside the host reserve);
   * the stub moves rsp back up to rbp before it does anything else.
   */
  emitPrologue(): void {
    const a = this.asm;
    this.frameSizePatch = this.masm.enterFrame();
    if (this.env.stackChecks !== false) {
      a.comment('stack check');
      this.masm.stackCheck(this.trap(TrapCode.StackOverflow));
    } else {
      // Measurement only (CompileOptions.stackChecks): a NOP of the check's length (cmp 3 +
      // forward jb rel32 6) keeps every later byte where it was, so that a benchmark compares
      // the check itself and not a shifted code layout.
      nopBytes(a, 9);
    }
    this.masm.saveVmctx();
    this.homes.used.forEach((reg, i) => a.mov_mr(64, this.frame.savedMem(i), reg));
    const nGpr = this.homes.used.length;
    this.homes.usedXmm.forEach((x, i) => a.movs_mr(64, this.frame.savedMem(nGpr + i), x));
    this.zeroBodyLocals();
    this.loadHomedLocals();
    // Epoch / fuel checks (off by default): after the frame, so a trap's backtrace has it.
    emitEntryInterruptChecks(this);
  }

  /**
   * Around every call (wasm, import, call_indirect, builtin): the caller-saved local homes go
   * to their locals' frame slots before it (`save`) and come back after it.
   */
  saveScratchHomes(save: boolean): void {
    const scratch = this.homes.scratch;
    for (let i = 0; i < scratch.length; i++) {
      const reg = scratch[i]!;
      const slot = this.frame.localMem(this.homes.regOf.indexOf(reg));
      if (save) this.asm.mov_mr(64, slot, reg);
      else this.asm.mov_rm(64, reg, slot);
    }
  }

  /** Lazy reads of each local (Local entries are never mutated, so one per local serves). */
  private readonly localRefs: Val[] = [];

  /** The value-stack entry for a lazy read of local `index` (local.get). */
  localRef(index: number): Val {
    return (this.localRefs[index] ??= localVal(this.localTypes[index]!, index));
  }

  /** Register home of local `index`, or -1 when it lives in its frame slot. */
  homeOf(index: number): number {
    return index < this.homes.regOf.length ? this.homes.regOf[index]! : -1;
  }

  /** Homed params take their value from the area; homed body locals start at zero. */
  private loadHomedLocals(): void {
    const a = this.asm;
    this.homes.regOf.forEach((reg, i) => {
      if (reg < 0) return;
      const t = this.localTypes[i]!;
      if (i < this.frame.numParams) this.loadMem(t, reg, this.frame.localMem(i));
      else if (regClassOf(t) === RegClass.Xmm) a.xorps_rr(reg as Xmm, reg as Xmm);
      else a.mov_ri(32, reg as Gpr, 0);
    });
  }

  private zeroBodyLocals(): void {
    const a = this.asm;
    const n = this.frame.bodyLocalSlots;
    if (n === 0) return;
    if (n <= 8) {
      for (let i = 0; i < n; i++) a.mov_mi(64, rbpMem(this.frame.bodyLocalsTop - 8 * i), 0);
      return;
    }
    this.masm.zeroSlotsLoop(this.frame.bodyLocalsTop, n);
  }

  /** Move the function's results into place and return. Leaves the code dead. */
  emitReturn(): void {
    const results = this.sig.results;
    const n = results.length;
    // Results 1..n-1 go to the caller's area, which is also where the params live: a
    // result that still reads a param lazily must take its value before any slot is written.
    if (n > 1 || results[0] === ValType.V128) {
      for (let i = this.stack.length - n; i < this.stack.length; i++) {
        const v = this.stack[i]!;
        if (v.kind === Kind.Local && v.local < this.frame.numParams) this.materializeLocal(v.local);
      }
    }
    // Result 0 goes to its register (rax/xmm0), unless it is a v128 (frame.ts areaSlots).
    const at = areaSlotsOf(results);
    const last = results[0] === ValType.V128 ? 0 : 1;
    for (let i = n - 1; i >= last; i--) {
      const pos = this.stack.length - 1;
      const v = this.pop();
      this.storeVal(v, pos, this.frame.areaMem(at[i]!));
      this.release(v);
    }
    if (n >= 1 && last === 1) {
      const r = resultReg(regClassOf(results[0]!));
      this.popToSpecific(r);
      this.ra.free(regClassOf(results[0]!), r);
    }
    // The caller's values of the local home registers come back last: results may read them.
    this.restoreSavedHomes();
    this.masm.leaveAndReturn();
  }

  /** The caller's values of the callee-saved local homes, back from the frame (before leaving it). */
  restoreSavedHomes(): void {
    this.homes.used.forEach((reg, i) => this.asm.mov_rm(64, reg, this.frame.savedMem(i)));
    const nGpr = this.homes.used.length;
    this.homes.usedXmm.forEach((x, i) => this.asm.movs_rm(64, x, this.frame.savedMem(nGpr + i)));
  }

  finish(): void {
    this.masm.finish();
    const size = this.frame.size();
    this.masm.setFrameSize(this.frameSizePatch, size);
    for (const at of this.padFramePatches) this.masm.setFrameSize(at, size);
    this.trapStubs.emit(this.env.offsetMap);
  }

  // ── control helpers ───────────────────────────────────────────────────────────────

  /**
   * Prepare a branch to `target`: spill everything, then copy the carried values to the
   * target's positions. The compile-time stack is left as it was (values stay on top).
   */
  moveBranchValues(target: Ctrl, carried: ValType[]): void {
    this.spillAll();
    const n = carried.length;
    const from = this.stack.length - n;
    const to = target.height;
    if (from === to) return;
    for (let i = 0; i < n; i++) this.copySlot(carried[i]!, this.frame.spillMem(to + i), this.frame.spillMem(from + i));
  }

  /** Reset the compile-time stack to `height` + spilled `types` (the state at a label). */
  resetStack(height: number, types: ValType[]): void {
    while (this.stack.length > height) this.release(this.pop());
    for (let i = 0; i < types.length; i++) this.push(stackVal(types[i]!)); // (no iterator: see regalloc.ts tryAlloc)
  }

  ctrlAt(depth: number): Ctrl {
    const c = this.ctrl[this.ctrl.length - 1 - depth];
    if (!c) throw new Error(`BUG: branch depth ${depth} out of range`);
    return c;
  }

}
