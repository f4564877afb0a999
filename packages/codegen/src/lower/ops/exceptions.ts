// Exception handling (docs/exceptions.md). A try costs nothing on the path that does not
// throw: entering one only spills the value stack (every label does that), and no table is
// written at run time. Throwing is a runtime builtin (host_call into JS), which finds the
// handler by walking the wasm frames of the activation: each frame's call site maps to a wasm
// byte offset (the offset map every function has for backtraces), the enclosing try blocks
// come from the body's bytes, and each catch clause's landing pad is found in the offset map
// too, under PAD_MARK | the clause's byte offset. The runtime then resumes the activation at
// the pad with rbp set to the catching frame's.
//
// A landing pad restores rsp from rbp (the frame size is patched in at the end, like the
// prologue's) and the vmctx from its frame slot, then asks the runtime for the caught
// exception's values (Builtin.CatchPayload) and branches to its label like `br`.
// Functions with handlers keep no locals in registers (local-regs.ts handlerHomes).
import { Builtin, TrapCode } from '../../abi.js';
import { ValType, type FuncType } from '../../wasm/types.js';
import { blockSignature } from '../../wasm/module.js';
import type { BinaryReader } from '../../wasm/reader.js';
import { constI32, stackVal } from '../value.js';
import { CtrlKind, type Ctrl } from '../control.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { areaSize, areaSlotsOf, callAreaSlots } from '../frame.js';
import { outgoingMem } from '../masm/macro-assembler.js';
import { hostCallBuiltin, prepareCallArgs } from './calls.js';
import { localSet } from './variables.js';
import { jumpTo, visitBlock, visitEnd } from './control.js';

/**
 * Offset-map entries of landing pads carry this bit over the catch clause's byte offset
 * (try_table) or the `catch`/`catch_all` opcode's (legacy), so the runtime can find the pad.
 */
export const PAD_MARK = 0x80000000;

/** Catch clause kinds, as encoded; also the CatchPayload builtin's mode argument. */
export const enum CatchKind { Catch = 0, CatchRef = 1, CatchAll = 2, CatchAllRef = 3 }

interface Clause {
  /** Byte offset of the clause (its kind byte). */
  offset: number;
  kind: CatchKind;
  tag: number;
  target: Ctrl;
}

/** What a try block's Ctrl carries (Ctrl.eh). */
export interface TryInfo {
  /** try_table: its clauses, whose pads are emitted at its `end`. null for a legacy try. */
  clauses: Clause[] | null;
  /** Legacy try: the hidden local that keeps the exnref its catch may rethrow. */
  exnLocal: number;
}

function tagParams(fc: FunctionCompiler, tag: number): ValType[] {
  const m = fc.module;
  return m.types[m.tags[tag]!]!.params;
}

/**
 * A runtime builtin whose arguments are the top `params.length` values and whose results,
 * all in the area (the v128-aware layout of frame.ts), are pushed as spilled values.
 */
function callBuiltinInArea(fc: FunctionCompiler, builtin: Builtin, params: ValType[], results: ValType[]): void {
  const sig: FuncType = { params, results };
  prepareCallArgs(fc, sig);
  hostCallBuiltin(fc, builtin, Math.max(1, callAreaSlots(params, results)));
  const at = areaSlotsOf(results);
  for (let i = 0; i < results.length; i++) {
    const t = results[i]!;
    fc.push(stackVal(t));
    fc.copySlot(t, fc.frame.spillMem(fc.stack.length - 1), outgoingMem(at[i]!));
  }
}

/** After a builtin that never returns normally (it throws): nothing follows. */
function endAfterThrow(fc: FunctionCompiler): void {
  fc.asm.jmp_label(fc.trap(TrapCode.Unreachable));
  fc.dead = true;
}

/**
 * throw: Builtin.Throw, which throws, gets the tag index in area slot 0 and the payload after
 * it (slot 1 on, in the area layout of the tag's params).
 */
export function visitThrow(fc: FunctionCompiler, tag: number): void {
  if (fc.dead) return;
  const params = tagParams(fc, tag);
  const n = params.length;
  const base = fc.stack.length - n;
  for (let i = 0; i < base; i++) fc.spillAt(i);
  const at = areaSlotsOf(params);
  for (let i = 0; i < n; i++) fc.storeVal(fc.stack[base + i]!, base + i, outgoingMem(1 + at[i]!));
  for (let i = 0; i < n; i++) fc.release(fc.pop());
  fc.asm.mov_mi(64, outgoingMem(0), tag);
  hostCallBuiltin(fc, Builtin.Throw, 1 + areaSize(params));
  endAfterThrow(fc);
}

/** throw_ref: Builtin.ThrowRef rethrows the exception (a null exnref traps). */
export function visitThrowRef(fc: FunctionCompiler): void {
  if (fc.dead) return;
  callBuiltinInArea(fc, Builtin.ThrowRef, [ValType.ExnRef], []);
  endAfterThrow(fc);
}

/** rethrow (legacy): throw_ref of what the catch at `depth` caught. */
export function visitRethrow(fc: FunctionCompiler, depth: number): void {
  if (fc.dead) return;
  const c = fc.ctrlAt(depth);
  if (c.eh === undefined || c.eh.clauses !== null) throw new Error('BUG: rethrow to a frame that is no legacy catch');
  fc.push(fc.localRef(c.eh.exnLocal));
  visitThrowRef(fc);
}

export function visitTryTable(fc: FunctionCompiler, r: BinaryReader): void {
  const sig = blockSignature(fc.module, r.readBlockType());
  const n = r.readVarU32();
  const clauses: Clause[] = [];
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    const kind = r.readU8() as CatchKind;
    const tag = kind === CatchKind.Catch || kind === CatchKind.CatchRef ? r.readVarU32() : -1;
    // Labels count from outside the try_table.
    clauses.push({ offset, kind, tag, target: fc.ctrlAt(r.readVarU32()) });
  }
  if (!fc.dead) fc.spillAll(); // a pad finds everything below the block in its slots
  visitBlock(fc, sig);
  fc.ctrlAt(0).eh = { clauses, exnLocal: -1 };
}

export function visitTry(fc: FunctionCompiler, sig: FuncType): void {
  // Numbered in body order, dead ones included (local-regs.ts counted them all).
  const exnLocal = fc.firstTryLocal + fc.legacyTriesSeen++;
  if (!fc.dead) fc.spillAll();
  visitBlock(fc, sig);
  fc.ctrlAt(0).eh = { clauses: null, exnLocal };
}

/** Entry of a landing pad: the frame's rsp and vmctx back, the stack as at the try's start. */
function enterPad(fc: FunctionCompiler, c: Ctrl, key: number): void {
  const a = fc.asm;
  fc.env.offsetMap?.record(a.offset, (PAD_MARK | key) >>> 0);
  fc.padFramePatches.push(fc.masm.padFrame());
  fc.masm.reloadVmctx();
  fc.resetStack(c.height, []);
  fc.dead = false;
}

/** The caught values a clause of kind `kind` hands on (tag params, then the exnref). */
function payloadTypes(fc: FunctionCompiler, kind: CatchKind, tag: number): ValType[] {
  const params = kind === CatchKind.Catch || kind === CatchKind.CatchRef ? tagParams(fc, tag) : [];
  return kind === CatchKind.CatchRef || kind === CatchKind.CatchAllRef ? [...params, ValType.ExnRef] : params;
}

function takePayload(fc: FunctionCompiler, kind: CatchKind, tag: number): void {
  fc.push(constI32(kind));
  callBuiltinInArea(fc, Builtin.CatchPayload, [ValType.I32], payloadTypes(fc, kind, tag));
}

/** `end` of a try_table: the fall-through jumps over the pads, which follow. */
function closeTryTable(fc: FunctionCompiler, c: Ctrl, clauses: Clause[]): void {
  const a = fc.asm;
  if (!fc.dead) {
    fc.spillAll();
    a.jmp_label(c.label);
    c.branchedTo = true;
  }
  for (const k of clauses) {
    enterPad(fc, c, k.offset);
    takePayload(fc, k.kind, k.tag);
    jumpTo(fc, k.target);
    fc.dead = true;
  }
  fc.env.offsetMap?.record(a.offset, fc.opOffset);
}

/** Called by visitEnd before it closes a try_table's frame. */
export function endTry(fc: FunctionCompiler, c: Ctrl): void {
  if (c.dead || c.eh === undefined || c.eh.clauses === null) return;
  closeTryTable(fc, c, c.eh.clauses);
}

/** catch / catch_all (legacy): the previous part jumps to the end; this one is a pad. */
export function visitCatch(fc: FunctionCompiler, tag: number | -1): void {
  const c = fc.ctrlAt(0);
  const eh = c.eh;
  if (eh === undefined || eh.clauses !== null) throw new Error('BUG: catch outside of a legacy try');
  c.kind = CtrlKind.Block;
  if (c.dead) return;
  const a = fc.asm;
  if (!fc.dead) {
    fc.spillAll();
    a.jmp_label(c.label);
    c.branchedTo = true;
  }
  enterPad(fc, c, fc.opOffset);
  // The exnref goes to the try's hidden local (for rethrow), the tag's values stay on the stack.
  takePayload(fc, tag === -1 ? CatchKind.CatchAllRef : CatchKind.CatchRef, tag);
  localSet(fc, eh.exnLocal);
  fc.env.offsetMap?.record(a.offset, fc.opOffset);
}

/** delegate (legacy): ends the try like `end`; where its exceptions go is the runtime's business. */
export function visitDelegate(fc: FunctionCompiler): void {
  visitEnd(fc);
}

