// Fuel accounting of one function (CompileOptions.consumeFuel), see interrupt-checks.ts for
// where it is called and abi.ts Vmctx.Fuel for the counter.
//
// A "run" is a straight stretch of code entered only at its top: it starts at the function
// entry, at a loop header, at an if/else arm, at a label that branches join, and after a br_if
// back to a loop; a br_if that leaves forward (to a block end or out of the function) does
// not end it. On entry a run pays for all of its operators with one
//     sub qword [r14 + Fuel], cost
// whose imm32 is patched as operators are counted (the cost is not known yet in one pass).
// A forward br_if that is taken skips the rest of the run, so its edge gives the skipped
// operators back with `add qword [r14 + Fuel], rest` (out of line, or inside the branch's
// existing value-moving trampoline). Fuel used is therefore exactly the operators executed,
// counted run by run, and a loop like `loop: br_if exit; body; br loop` costs one `sub` per
// iteration instead of two.
import { AluOp, type Assembler, type Label } from '../x64/assembler.js';
import { vmctxMem } from './masm/macro-assembler.js';
import { Vmctx } from '../abi.js';

/** Forces alu_mi to pick the imm32 form; patched with the real count right away. */
const IMM32_PLACEHOLDER = 0x7fffffff;
const FUEL = vmctxMem(Vmctx.Fuel);

/** An imm32 that grows by one for every operator counted while it is attached to the run. */
interface Counter {
  at: number;
  value: number;
}

interface RefundStub {
  label: Label;
  target: Label;
  counter: Counter;
}

export class FuelMeter {
  /** The open run's charge, and the refunds of its forward exits so far. */
  private charge: Counter | null = null;
  private refunds: Counter[] = [];
  private readonly stubs: RefundStub[] = [];

  constructor(private readonly asm: Assembler) {}

  private emitCounter(op: AluOp): Counter {
    const a = this.asm;
    a.alu_mi(op, 64, FUEL, IMM32_PLACEHOLDER);
    const c = { at: a.offset - 4, value: 0 };
    a.buf.patch32(c.at, 0);
    return c;
  }

  /** A run starts at the current code position: charge it. */
  startRun(): void {
    this.charge = this.emitCounter(AluOp.Sub);
    this.refunds = [];
  }

  /** Code no path reaches follows: its operators are charged to nothing (and emit nothing). */
  startUnreachable(): void {
    this.charge = { at: -1, value: 0 };
    this.refunds = [];
  }

  /** One more operator runs in the open run. */
  countOp(): void {
    if (this.charge === null) throw new Error('BUG: fuel counted before the entry run was charged');
    this.bump(this.charge);
    for (const r of this.refunds) this.bump(r);
  }

  private bump(c: Counter): void {
    c.value++;
    if (c.at >= 0) this.asm.buf.patch32(c.at, c.value);
  }

  /**
   * For a forward conditional exit: the label to jump to instead of `target`, an out-of-line
   * stub that refunds the rest of the run and then jumps to `target`.
   */
  exitStub(target: Label): Label {
    const label = this.asm.newLabel();
    // Not emitted yet (at -1): it only counts until emitStubs writes it out.
    const counter = { at: -1, value: 0 };
    this.refunds.push(counter);
    this.stubs.push({ label, target, counter });
    return label;
  }

  /** For a forward exit through inline code (a branch trampoline): refund the rest here. */
  refundInline(): void {
    this.refunds.push(this.emitCounter(AluOp.Add));
  }

  /** The out-of-line refund stubs, after the function body. */
  emitStubs(): void {
    const a = this.asm;
    for (const s of this.stubs) {
      a.bind(s.label);
      a.comment('fuel: refund the rest of the run');
      if (s.counter.value !== 0) a.alu_mi(AluOp.Add, 64, FUEL, s.counter.value);
      a.jmp_label(s.target);
    }
    this.stubs.length = 0;
  }
}
