// Out-of-line trap stubs of one function, emitted after its body.
//
// Each trap site gets its own 5-byte stub, `call <tail>`, and one shared tail per trap code
// does `mov edi, code; pop rsi; jmp [r14 + TrapUnwind]`. The popped return address names
// the site (abi.ts: TrapUnwind takes rsi = trap site), and the offset map gets an entry at
// the stub so that address maps back to the trapping operator's wasm offset. The trapping
// function is not in the rbp chain's return addresses (nothing called the trap), so without
// this the innermost frame of a backtrace would be lost. The `call` never returns; it only
// costs 8 bytes of stack, which the host reserve below the limit always has.
//
// The stack-overflow site is special: it is reached from the prologue right after `sub rsp`,
// with rsp at the bottom of a frame that does not fit (possibly far below the limit, even
// below the thread's stack for a huge frame), so it first moves rsp back up to rbp. The frame
// link (saved rbp, return address) is in place, so the backtrace walk sees the overflowing
// function linked to its caller like every other frame.
import { type Label } from '../x64/assembler.js';
import { TrapCode } from '../abi.js';
import type { MacroAssembler } from './masm/macro-assembler.js';
import { jumpToTrapUnwind, popTrapSite, setTrapCode, trapCodeFromHostStatus } from './masm/trap-unwind.js';
import type { OffsetMapBuilder } from './offset-map.js';

/** The shared tail of a failed host_call: the status (a TrapCode) is in eax. */
const HOST_FAILURE = -1;

interface Site {
  label: Label;
  /** A TrapCode, or HOST_FAILURE. */
  code: number;
  wasmOffset: number;
}

export class TrapStubs {
  private readonly sites: Site[] = [];

  constructor(private readonly masm: MacroAssembler) {}

  /** A stub label for trap `code` at the operator at `wasmOffset`. */
  site(code: TrapCode, wasmOffset: number): Label {
    return this.get(code, wasmOffset);
  }

  /** A stub label for a failed host_call (status in eax) at `wasmOffset`. */
  hostFailure(wasmOffset: number): Label {
    return this.get(HOST_FAILURE, wasmOffset);
  }

  private get(code: number, wasmOffset: number): Label {
    // Several jumps of one operator to the same trap share a stub.
    const last = this.sites[this.sites.length - 1];
    if (last && last.code === code && last.wasmOffset === wasmOffset) return last.label;
    const label = this.masm.asm.newLabel();
    this.sites.push({ label, code, wasmOffset });
    return label;
  }

  emit(offsetMap: OffsetMapBuilder | undefined): void {
    const a = this.masm.asm;
    if (this.sites.length === 0) return;
    const tails = new Map<number, Label>();
    for (let i = 0; i < this.sites.length; i++) {
      const s = this.sites[i]!;
      let tail = tails.get(s.code);
      if (!tail) {
        tail = a.newLabel();
        tails.set(s.code, tail);
      }
      a.bind(s.label);
      offsetMap?.record(a.offset, s.wasmOffset);
      if (s.code === TrapCode.StackOverflow) {
        a.comment('stack overflow: back to the frame top before pushing anything');
        this.masm.dropSlots();
      }
      a.call_label(tail);
    }
    for (const [code, tail] of tails) {
      a.bind(tail);
      a.comment(code === HOST_FAILURE ? 'host call failed' : `trap ${code}`);
      if (code === HOST_FAILURE) trapCodeFromHostStatus(this.masm);
      else setTrapCode(this.masm, code);
      popTrapSite(this.masm);
      jumpToTrapUnwind(this.masm);
    }
  }
}
