// Control frames of the single pass. Branch targets keep the whole value stack in its
// frame slots ("spilled state"), so every label has one canonical state and no merge code.
import type { Label } from '../x64/assembler.js';
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
  /** A try_table or legacy try (exception handling). */
  eh?: TryInfo;
}

/** Values a branch to this frame carries: loop params, or block results. */
export function branchTypes(c: Ctrl): ValType[] {
  return c.kind === CtrlKind.Loop ? c.params : c.results;
}
