// What `explore` shows, independent of how (text or HTML): per function, the prologue, each
// wasm operator with the instructions generated for it, and the out-of-line code (trap
// stubs) attributed to the operator that needed it.
import { TRAP_NAMES, type CompiledCode, type WasmModule } from '@wasmjit/codegen';
import type { Disassembly, Insn } from './disasm.js';
import { funcName, opAt, opText } from './op-text.js';
import { typeName } from './values.js';

export type CodeLine = { insn: Insn } | { comment: string };

export interface WasmOp {
  /** Byte offset in the module; -1 for the prologue. */
  offset: number;
  text: string;
}

export interface OpBlock {
  /**
   * Usually one operator. More when the compiler consumed the following ones together with
   * it (a compare fused with the `if` or `br_if` after it): the code is theirs jointly.
   */
  ops: WasmOp[];
  lines: CodeLine[];
  codeBytes: number;
}

export interface FuncListing {
  index: number;
  name: string | undefined;
  signature: string;
  wasmBytes: number;
  codeStart: number;
  codeEnd: number;
  prologue: OpBlock;
  ops: OpBlock[];
  outOfLine: OpBlock[];
}

/** The compiler's code comments by offset, worded for readers (trap numbers → names). */
function commentsByOffset(compiled: CompiledCode): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const { offset, text } of compiled.comments) {
    if (/^func\[\d+\]$/.test(text)) continue; // the listing's header says it
    const trap = /^trap (\d+)$/.exec(text);
    const worded = trap ? `trap: ${TRAP_NAMES[Number(trap[1])] ?? trap[1]}` : text;
    map.set(offset, [...(map.get(offset) ?? []), worded]);
  }
  return map;
}

/** Index of the first element of ascending `a` that is greater than `x`. */
function firstAbove(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class ListingBuilder {
  private readonly comments: Map<number, string[]>;
  /** (wasm offset, code offset) of each operator, by defined-function number. */
  private readonly opsOf: [number, number][][];
  /** The comments' offsets, ascending. */
  private readonly commentOffsets: number[];

  constructor(private readonly wasm: WasmModule, private readonly compiled: CompiledCode, private readonly dis: Disassembly) {
    if (!compiled.opOffsets) throw new Error('BUG: explore needs code compiled with collectOffsets');
    this.comments = commentsByOffset(compiled);
    this.commentOffsets = [...this.comments.keys()].sort((a, b) => a - b);
    // Operators are recorded in body order, so one pass splits them by function: a pair
    // belongs to the body whose bytes contain its wasm offset.
    this.opsOf = wasm.codes.map(() => []);
    const flat = compiled.opOffsets;
    let f = 0;
    for (let i = 0; i < flat.length; i += 2) {
      while (f < wasm.codes.length && flat[i]! >= wasm.codes[f]!.bodyEnd) f++;
      this.opsOf[f]?.push([flat[i]!, flat[i + 1]!]);
    }
  }

  private block(ops: WasmOp[], start: number, end: number): OpBlock {
    const lines: CodeLine[] = [];
    // Cut at comment offsets so that hex rows, too, start where a comment applies.
    const cuts = [start];
    for (let i = firstAbove(this.commentOffsets, start); i < this.commentOffsets.length && this.commentOffsets[i]! < end; i++) {
      cuts.push(this.commentOffsets[i]!);
    }
    cuts.push(end);
    for (let k = 0; k + 1 < cuts.length; k++) {
      for (const c of this.comments.get(cuts[k]!) ?? []) lines.push({ comment: c });
      for (const insn of this.dis.range(cuts[k]!, cuts[k + 1]!)) lines.push({ insn });
    }
    return { ops, lines, codeBytes: Math.max(0, end - start) };
  }

  /** The operators in wasm bytes [from, to): one, or a fused group (see OpBlock). */
  private opsFrom(from: number, to: number): WasmOp[] {
    const ops: WasmOp[] = [];
    for (let at = from; at < to;) {
      const { text, end } = opAt(this.wasm, at);
      ops.push({ offset: at, text });
      at = end;
    }
    return ops;
  }

  /** The listing of defined function `index`. */
  listing(index: number): FuncListing {
    const { wasm, compiled } = this;
    const body = wasm.codes[index - wasm.numImportedFuncs]!;
    const codeStart = compiled.funcOffsets[index]!;
    const codeEnd = compiled.funcEnds[index]!;
    const pairs = this.opsOf[index - wasm.numImportedFuncs]!;
    if (pairs.length === 0) throw new Error(`BUG: no operator offsets for func[${index}]`);
    const [lastWasm, lastCode] = pairs[pairs.length - 1]!;
    // After the final `end`'s code come the out-of-line stubs; the always-on offset map says
    // where each starts and which operator it belongs to.
    const stubs: [number, number][] = [];
    const map = compiled.offsetMap;
    for (let i = firstAbove(map.code, lastCode - 1); i < map.code.length && map.code[i]! < codeEnd; i++) {
      if (map.wasm[i] !== lastWasm) stubs.push([map.wasm[i]!, map.code[i]!]);
    }
    const tailEnd = stubs[0]?.[1] ?? codeEnd;
    const ops = pairs.map(([w, c], k) =>
      this.block(this.opsFrom(w, k + 1 < pairs.length ? pairs[k + 1]![0] : w + 1), c, k + 1 < pairs.length ? pairs[k + 1]![1] : tailEnd));
    const outOfLine = stubs.map(([w, c], k) => {
      const op = { offset: w, text: w < body.bodyStart ? '(function entry)' : opText(wasm, w) };
      return this.block([op], c, k + 1 < stubs.length ? stubs[k + 1]![1] : codeEnd);
    });
    const sig = wasm.types[wasm.funcs[index]!]!;
    const params = sig.params.length ? ` (param ${sig.params.map(typeName).join(' ')})` : '';
    const results = sig.results.length ? ` (result ${sig.results.map(typeName).join(' ')})` : '';
    return {
      index,
      name: funcName(wasm, index),
      signature: `${params}${results}`.trim(),
      wasmBytes: body.bodyEnd - body.offset,
      codeStart,
      codeEnd,
      prologue: this.block([{ offset: -1, text: '(prologue)' }], codeStart, pairs[0]![1]),
      ops,
      outOfLine,
    };
  }
}

/** Function indexes selected by --func (a name or an index), or every defined function. */
export function selectFunctions(wasm: WasmModule, which: string | undefined): number[] {
  const defined = Array.from({ length: wasm.codes.length }, (_, i) => i + wasm.numImportedFuncs);
  if (which === undefined) return defined;
  if (/^\d+$/.test(which)) return defined.filter((i) => i === Number(which));
  const clean = which.replace(/^\$/, '');
  return defined.filter((i) => wasm.names.functions.get(i) === clean ||
    wasm.exports.some((e) => e.kind === 'func' && e.index === i && e.name === clean));
}
