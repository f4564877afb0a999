// Control frames of the single pass. Branch targets keep the whole value stack in its
// frame slots ("spilled state"), so every label has one canonical state and no merge code.
import { Label, type Assembler } from '../x64/assembler.js';
import type { ValType } from '../wasm/types.js';
import type { TryInfo } from './ops/exceptions.js';

export const enum CtrlKind { Func, Block, Loop, If, Else }

export interface Ctrl {
  kind: CtrlKind;
  params: ValType[];
  results: ValType[];
  /** Value-stack height below this frame's params. */
  height: number;
  /** Branch target: the loop header for loops, the end for everything else. */
  label: Label;
  /** For `if`: where the false condition jumps. */
  elseLabel: Label | null;
  /** Entered while the code was already unreachable: emit nothing for it. */
  dead: boolean;
  /** Some branch targets `label` (so the code after `end` is reachable). */
  branchedTo: boolean;
  /** The code that entered the frame was reachable (for `if` without `else`). */
  enteredReachable: boolean;
  /** The label FRAMES hands out as elseLabel (frames are reused: see FrameArena). */
  readonly spareElse: Label;
  /** A try_table or legacy try (exception handling). */
  eh?: TryInfo;
}

/** Values a branch to this frame carries: loop params, or block results. */
export function branchTypes(c: Ctrl): ValType[] {
  return c.kind === CtrlKind.Loop ? c.params : c.results;
}

/**
 * The control frames of the function being compiled, and their labels, come from this arena:
 * a block, loop or if allocates nothing. A frame is not reused when it is popped but only
 * once the next function starts: until the function's end, a label of a closed frame may
 * still be the target of code emitted after the body (fuel refund stubs jump to it).
 * Per thread (module state): a compile is synchronous and never nested.
 */
class FrameArena {
  private readonly frames: Ctrl[] = [];
  private used = 0;

  /** A new function starts: every frame may be handed out again. */
  reset(): void {
    this.used = 0;
    // After a function with very many blocks, keep only a typical number of frames alive.
    if (this.frames.length > MAX_KEPT_FRAMES) this.frames.length = MAX_KEPT_FRAMES;
  }

  /** A frame initialised as a fresh one, its label unbound and owned by `asm`. */
  open(asm: Assembler, kind: CtrlKind, params: ValType[], results: ValType[], height: number, dead: boolean): Ctrl {
    let c = this.frames[this.used];
    if (c === undefined) {
      c = {
        kind, params, results, height, label: new Label(), elseLabel: null,
        dead, branchedTo: false, enteredReachable: !dead, spareElse: new Label(), eh: undefined,
      };
      this.frames.push(c);
    } else {
      c.kind = kind;
      c.params = params;
      c.results = results;
      c.height = height;
      c.elseLabel = null;
      c.dead = dead;
      c.branchedTo = false;
      c.enteredReachable = !dead;
      c.eh = undefined; // a reused frame was maybe a try
    }
    this.used++;
    resetLabel(c.label, asm);
    return c;
  }

  /**
   * The compile of a chunk is over: the frames must not keep anything of it alive (a label's
   * owner is the chunk's assembler, and with it the whole code buffer; the signatures belong
   * to the module).
   */
  release(): void {
    for (let i = 0; i < this.frames.length; i++) {
      const c = this.frames[i]!;
      c.label.owner = undefined;
      c.spareElse.owner = undefined;
      c.params = NO_TYPES;
      c.results = NO_TYPES;
      c.eh = undefined;
    }
  }

  /** The `if` frame c's else label (unbound, owned by `asm`). */
  elseLabel(c: Ctrl, asm: Assembler): Label {
    resetLabel(c.spareElse, asm);
    return (c.elseLabel = c.spareElse);
  }
}

const MAX_KEPT_FRAMES = 4096;
const NO_TYPES: ValType[] = [];

/** As new. A jump still waiting for it can only be left by a function whose compile threw. */
function resetLabel(l: Label, asm: Assembler): void {
  l.pos = -1;
  l.fixup = -1;
  l.moreFixups = null;
  l.owner = asm;
}

export const FRAMES = new FrameArena();
