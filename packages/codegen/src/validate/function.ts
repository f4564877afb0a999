// Validation of function bodies: the algorithm of the spec's validation appendix, in one pass
// over the body bytes that also checks their encoding. An operand stack holds value types,
// with UNKNOWN standing for values popped from the polymorphic stack that follows
// unreachable, br, br_table and return; a control stack holds one frame per open block.
//
// The decoder does not scan bodies (wasm/body-scan.ts is only run on the error path, see
// body-precedence.ts): this validator reads every immediate with the same checks and rejects
// every malformed body with some CompileError, and the caller then asks the syntactic scan
// which error the reference interpreter (which decodes everything before validating) would
// report.
//
// Speed: both stacks are typed arrays of type bytes and signature ids (sig-table.ts), the
// frequent operators are handled inline in one loop with the position, the stack pointer
// and the innermost block's height in locals, one-byte LEB128 immediates are read inline,
// and nothing is allocated per operator. Rarer operators go through methods that work on
// the same state stored in fields (`sync` before, `reload` after).

import { CompileError, UnsupportedFeatureError } from '../errors.js';
import { BinaryReader } from '../wasm/reader.js';
import { ImmKind, Op, OpFC, PREFIX_SPACES } from '../wasm/opcodes.js';
import { SIMD_PREFIX, simdLaneCount } from '../wasm/operators-simd.js';
import { ATOMIC_PREFIX } from '../wasm/operators-atomic.js';
import { ValType, type WasmModule } from '../wasm/types.js';
import { moduleContext, type ModuleContext } from './context.js';
import { EMPTY_SIG, FIRST_TYPE_SIG, VALUE_SIG, refBlockSig, type SigTable } from './sig-table.js';
import { canonicalRef, heapIndex, isNullable, isRefType, isSubtype, typedRef, withNullable } from '../wasm/ref-types.js';
import { moduleCanon } from '../wasm/type-canon.js';
import { malformedBodyError } from './body-precedence.js';
import { sameResults } from './tail-calls.js';
import { FEATURE } from '../wasm/future-features.js';
import {
  FC_SIGS,
  MEM_IS_STORE,
  MEM_MAX_ALIGN,
  MEM_TYPE,
  SIMPLE_ARITY,
  SIMPLE_P0,
  SIMPLE_P1,
  SIMPLE_RESULT,
  typeName,
  type SimpleSig,
} from './signatures.js';
import { dataSegmentCount } from '../wasm/data-segments.js';
import { weightAt, type LocalUses } from '../lower/local-uses.js';

const SIMD_ROWS = PREFIX_SPACES[SIMD_PREFIX]!.rows;
const ATOMIC_ROWS = PREFIX_SPACES[ATOMIC_PREFIX]!.rows;
/** Lane counts of the 0xfd operators with lane immediates, by sub-opcode (0 for others). */
const SIMD_LANES = Uint8Array.from(SIMD_ROWS, (row) =>
  row !== undefined && (row.imm === ImmKind.Lane || row.imm === ImmKind.MemArgLane) ? simdLaneCount(row.name) : 0,
);

/** Operand-stack entry for a value whose type is not known (it came from unreachable code). */
const UNKNOWN = 0;
/** Opcode recorded for the function's own frame (no operator has it). */
const FUNCTION_FRAME = 0xff;

/** What validation admits beyond what the compiler lowers. */
export interface ValidateOptions {
  /**
   * Validate v128 types and the 0xFD (SIMD and relaxed SIMD) operators (default true); false
   * refuses them with 'SIMD not supported'.
   */
  simd?: boolean;
}

/** Validates the body of defined function definedIndex (0 = first non-imported function). */
export function validateFunction(m: WasmModule, definedIndex: number, options: ValidateOptions = {}): void {
  validateFunctions(m, definedIndex, definedIndex + 1, options);
}

/**
 * Validates the bodies of defined functions from..to-1 in order, with one validator whose
 * stacks are reused from function to function. A malformed body is reported with the
 * decoder's error for it; whether a later body is malformed (which the reference
 * interpreter would report first) is validateModule's business.
 */
export function validateFunctions(m: WasmModule, from: number, to: number, options: ValidateOptions = {}): void {
  validateBodies(m, from, to, options, to);
}

/**
 * validateFunctions, where an error in function i is replaced by the decoder's error for the
 * first malformed body among i..scanTo-1, if there is one (see body-precedence.ts).
 */
export function validateBodies(m: WasmModule, from: number, to: number, options: ValidateOptions, scanTo: number): void {
  if (from >= to) return;
  if (m.codes[to - 1] === undefined) throw new Error(`BUG: no body for defined function ${to - 1}`);
  const v = new FunctionValidator(m, moduleContext(m), options.simd !== false);
  let i = from;
  try {
    for (; i < to; i++) v.validate(i);
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    throw malformedBodyError(m, i, Math.max(scanTo, i + 1)) ?? e;
  }
}

/**
 * Validates bodies one at a time, with one validator whose stacks are reused: for a caller
 * that compiles each body right after validating it (compileChunk), recording its local uses
 * in `uses` (lower/local-uses.ts) so that the compiler need not scan it again. An error in
 * function i is reported as validateBodies(m, i, i + 1, options, scanTo) would.
 */
export function bodyValidator(
  m: WasmModule, options: ValidateOptions = {},
): (definedIndex: number, uses: LocalUses | null, scanTo: number) => void {
  const v = new FunctionValidator(m, moduleContext(m), options.simd !== false);
  return (i, uses, scanTo) => {
    try {
      v.validate(i, uses);
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      throw malformedBodyError(m, i, Math.max(scanTo, i + 1)) ?? e;
    }
  };
}

class FunctionValidator {
  private readonly r: BinaryReader;
  private readonly bytes: Uint8Array;
  private funcIndex = 0;
  /** Signature id of the current function. */
  private funcSig = 0;
  /** Types of the current function's locals (params first); numLocals are in use. */
  private locals: Int32Array = new Int32Array(64);
  private numLocals = 0;
  /**
   * Typed function references: uninit[i] = 1 while local i, of a non-nullable type, has not
   * been set on the current path; initLog holds the locals set since, newest last, and each
   * frame remembers the log's length at its start (ctrlInit), which `end` and `else` restore.
   */
  private uninit: Uint8Array = new Uint8Array(64);
  private initLog: Int32Array = new Int32Array(16);
  private initLogLength = 0;
  private ctrlInit = new Int32Array(16);
  /** The operand stack: value types (or UNKNOWN), sp entries in use. */
  private vals: Int32Array = new Int32Array(64);
  private sp = 0;
  /**
   * The control stack, one entry per open frame in each array: the opcode that opened it
   * (or FUNCTION_FRAME), its signature id, the operand stack height at its start, and
   * whether the rest of it is unreachable. depth frames are open.
   */
  private ctrlOp = new Uint8Array(16);
  private ctrlSig = new Int32Array(16);
  private ctrlHeight = new Int32Array(16);
  private ctrlUnreachable = new Uint8Array(16);
  private depth = 0;
  /** ctrlHeight of the innermost frame. */
  private height = 0;
  /** Byte offset of the instruction being validated, for error locations. */
  private at = 0;
  private readonly sigs: SigTable;
  private readonly numTypes: number;
  private readonly numGlobals: number;
  /** Type (canonical, see wasm/ref-types.ts) and mutability of every global, imports first. */
  private readonly globalTypes: Int32Array;
  private readonly globalMutable: Uint8Array;
  private readonly hasMemory: boolean;
  /** Address type (ValType.I32, or I64 for memory64) of every memory. */
  private readonly memAddr: Uint8Array;
  private readonly multiMemory: boolean;
  private readonly memory64: boolean;
  /** The address type of the memory the last readMemargFlags named. */
  private memargAddr = 0;
  /** Number of data segments code may name, or undefined without a data count section. */
  private readonly dataCount: number | undefined;
  /** br_table's label depths, and the operand types one target popped (reused; an array's length setter is slow). */
  private brTargets: Uint32Array = new Uint32Array(64);
  private popped: Int32Array = new Int32Array(16);
  /**
   * Where to record the body's local uses for the compiler (lower/local-uses.ts), or null.
   * `loops`: loop frames open; `weight`: what one use weighs at that depth.
   */
  private uses: LocalUses | null = null;
  /** Exception handling is on (DecodeOptions.exceptions): its operators are admitted. */
  private readonly exceptions: boolean;
  private loops = 0;
  private weight = 1;
  /** Typed function references are on: their types and operators are admitted. */
  private readonly typedRefs: boolean;
  /** The first index of a type equivalent to each type (wasm/type-canon.ts). */
  private readonly canon: Int32Array;
  /** Element type (canonical) of every table. */
  private readonly tableTypes: Int32Array;

  constructor(
    private readonly m: WasmModule,
    private readonly ctx: ModuleContext,
    private readonly simd: boolean,
  ) {
    this.bytes = m.bytes;
    this.r = new BinaryReader(m.bytes, 0, 0);
    this.r.features = m.features ?? {};
    this.exceptions = m.features?.exceptions === true;
    this.sigs = ctx.sigs;
    this.numTypes = m.types.length;
    this.typedRefs = m.features?.typedFunctionReferences !== false;
    this.canon = moduleCanon(m);
    this.tableTypes = Int32Array.from(m.tables, (t) => canonicalRef(t.elemType, this.canon));
    this.numGlobals = m.numImportedGlobals + m.globals.length;
    this.globalTypes = new Int32Array(this.numGlobals);
    this.globalMutable = new Uint8Array(this.numGlobals);
    for (let i = 0; i < this.numGlobals; i++) {
      const g = i < m.numImportedGlobals ? m.importedGlobals[i]! : m.globals[i - m.numImportedGlobals]!.type;
      this.globalTypes[i] = canonicalRef(g.type, this.canon);
      this.globalMutable[i] = g.mutable ? 1 : 0;
    }
    this.hasMemory = m.memories.length > 0;
    this.memAddr = new Uint8Array(m.memories.length);
    for (let i = 0; i < m.memories.length; i++) this.memAddr[i] = m.memories[i]!.address64 === true ? ValType.I64 : ValType.I32;
    this.multiMemory = m.features?.multiMemory === true;
    this.memory64 = m.features?.memory64 === true;
    this.dataCount = m.dataCount;
  }

  /** `uses`: also record the body's local uses there for the compiler (lower/local-uses.ts). */
  validate(definedIndex: number, uses: LocalUses | null = null): void {
    const m = this.m;
    const body = m.codes[definedIndex];
    if (!body) throw new Error(`BUG: no body for defined function ${definedIndex}`);
    const funcIndex = m.numImportedFuncs + definedIndex;
    const typeIndex = m.funcs[funcIndex]!;
    const type = m.types[typeIndex];
    if (!type) throw new CompileError(`unknown type ${typeIndex}`, body.offset, funcIndex);
    this.funcIndex = funcIndex;
    this.funcSig = FIRST_TYPE_SIG + typeIndex;
    this.r.pos = body.bodyStart;
    this.r.end = body.bodyEnd;
    this.r.funcIndex = funcIndex;
    this.at = body.offset;
    const n = type.params.length + body.numLocals;
    if (n > this.locals.length) {
      this.locals = new Int32Array(Math.max(n, 2 * this.locals.length));
      this.uninit = new Uint8Array(this.locals.length);
    }
    const locals = this.locals;
    // Indexed loops: an iterator per loop is garbage, and slow before this is optimised.
    const params = type.params;
    let k = 0;
    for (; k < params.length; k++) locals[k] = canonicalRef(params[k]!, this.canon);
    this.uninit.fill(0, 0, n);
    this.initLogLength = 0;
    const groups = body.localGroups;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      this.checkValType(g.type);
      const t = canonicalRef(g.type, this.canon);
      locals.fill(t, k, k + g.count);
      // A non-nullable reference has no default: it must be set before it is read.
      if (t > 0xff && !isNullable(t)) this.uninit.fill(1, k, k + g.count);
      k += g.count;
    }
    this.numLocals = k;
    this.uses = uses;
    this.loops = 0;
    this.weight = 1;
    if (uses !== null) uses.reset(k);
    this.run();
  }

  // ── errors ──────────────────────────────────────────────────────────────────────────

  private fail(message: string): never {
    throw new CompileError(message, this.at, this.funcIndex);
  }

  private failAt(message: string, at: number): never {
    this.at = at;
    return this.fail(message);
  }

  private checkValType(t: number): void {
    if (t === ValType.V128 && !this.simd) throw new UnsupportedFeatureError('SIMD', 'SIMD not supported', this.at, this.funcIndex, null);
    if (t > 0xff && heapIndex(t) >= this.numTypes) this.fail(`unknown type ${heapIndex(t)}`);
  }

  /** A value type read from the body: checked, with its type index made canonical. */
  private bodyType(t: number): number {
    this.checkValType(t);
    return canonicalRef(t, this.canon);
  }

  /** Typed function references' operators are refused when the feature is off. */
  private requireTypedRefs(): void {
    if (!this.typedRefs) throw new UnsupportedFeatureError(FEATURE.typedFunctionReferences, 'illegal opcode', this.at, this.funcIndex);
  }

  // ── local initialization (typed function references) ───────────────────────────────

  /** A first local.set/tee of a non-nullable local on this path. */
  private markInit(index: number): void {
    this.uninit[index] = 0;
    if (this.initLogLength === this.initLog.length) {
      const next = new Int32Array(this.initLog.length * 2);
      next.set(this.initLog);
      this.initLog = next;
    }
    this.initLog[this.initLogLength++] = index;
  }

  /** Forget the initializations since the log had `length` entries (a block ended). */
  private resetInits(length: number): void {
    while (this.initLogLength > length) this.uninit[this.initLog[--this.initLogLength]!] = 1;
  }

  // ── operand stack ───────────────────────────────────────────────────────────────────

  private push(t: number): void {
    if (this.sp === this.vals.length) this.growVals();
    this.vals[this.sp++] = t;
  }

  private growVals(): Int32Array {
    const next = new Int32Array(this.vals.length * 2);
    next.set(this.vals);
    this.vals = next;
    return next;
  }

  /** Pushes the types pool[start..start+count). */
  private pushTypes(start: number, count: number): void {
    const pool = this.sigs.pool;
    for (let i = 0; i < count; i++) this.push(pool[start + i]!);
  }

  /** Pops the types pool[start..start+count), last first. */
  private popTypes(start: number, count: number): void {
    const pool = this.sigs.pool;
    for (let i = count - 1; i >= 0; i--) this.pop(pool[start + i]!);
  }

  /** Pops any value; UNKNOWN if the stack is polymorphic here. */
  private popAny(): number {
    if (this.sp === this.height) {
      if (this.ctrlUnreachable[this.depth - 1]) return UNKNOWN;
      this.fail('type mismatch: expected a value but the stack is empty');
    }
    return this.vals[--this.sp]!;
  }

  /** Pops a value that must have type `expected` (or be UNKNOWN); returns what was popped. */
  private pop(expected: number): number {
    if (this.sp === this.height) {
      if (this.ctrlUnreachable[this.depth - 1]) return UNKNOWN;
      this.fail(`type mismatch: expected ${typeName(expected)} but the stack is empty`);
    }
    const actual = this.vals[--this.sp]!;
    if (actual !== expected && actual !== UNKNOWN && expected !== UNKNOWN && !isSubtype(actual, expected)) {
      this.fail(`type mismatch: expected ${typeName(expected)} but got ${typeName(actual)}`);
    }
    return actual;
  }

  /**
   * The hot loop's pop when its inline check (a value of exactly the expected type above the
   * block's height) does not hold: `sp` is the loop's; returns the new one.
   */
  private popSlow(expected: number, sp: number, at: number): number {
    this.sp = sp;
    this.at = at;
    this.pop(expected);
    return this.sp;
  }

  // ── control stack ───────────────────────────────────────────────────────────────────

  /** Opens a frame at the current stack height (the caller pushes its parameters). */
  private pushCtrl(op: number, sig: number): void {
    const d = this.depth;
    if (d === this.ctrlOp.length) this.growCtrl();
    this.ctrlOp[d] = op;
    this.ctrlSig[d] = sig;
    this.ctrlHeight[d] = this.sp;
    this.ctrlUnreachable[d] = 0;
    this.ctrlInit[d] = this.initLogLength;
    this.depth = d + 1;
    this.height = this.sp;
  }

  private growCtrl(): void {
    const n = this.ctrlOp.length * 2;
    const op = new Uint8Array(n);
    const sig = new Int32Array(n);
    const height = new Int32Array(n);
    const unreachable = new Uint8Array(n);
    const init = new Int32Array(n);
    init.set(this.ctrlInit);
    this.ctrlInit = init;
    op.set(this.ctrlOp);
    sig.set(this.ctrlSig);
    height.set(this.ctrlHeight);
    unreachable.set(this.ctrlUnreachable);
    this.ctrlOp = op;
    this.ctrlSig = sig;
    this.ctrlHeight = height;
    this.ctrlUnreachable = unreachable;
  }

  /** Opens a block, loop, if or else frame with signature `sig`, pushing its parameters. */
  private enterBlock(op: number, sig: number): void {
    this.pushCtrl(op, sig);
    this.pushTypes(this.sigs.paramStart[sig]!, this.sigs.paramCount[sig]!);
  }

  /** Closes the innermost frame (its results must be on the stack); returns its index. */
  private popCtrl(): number {
    const d = this.depth - 1;
    const sig = this.ctrlSig[d]!;
    this.popTypes(this.sigs.resultStart[sig]!, this.sigs.resultCount[sig]!);
    if (this.sp !== this.height) {
      this.fail(`type mismatch: ${this.sp - this.height} extra value(s) left at the end of the block`);
    }
    this.depth = d;
    if (d > 0) this.height = this.ctrlHeight[d - 1]!;
    if (this.initLogLength !== this.ctrlInit[d]) this.resetInits(this.ctrlInit[d]!);
    return d;
  }

  /** The frame `depth` labels out, as a control stack index. */
  private label(depth: number): number {
    if (depth >= this.depth) this.fail(`unknown label ${depth}`);
    return this.depth - 1 - depth;
  }

  /** Where the types a branch to frame d carries start in the pool: a loop's parameters, any other frame's results. */
  private labelStart(d: number): number {
    const sig = this.ctrlSig[d]!;
    return this.ctrlOp[d] === Op.Loop ? this.sigs.paramStart[sig]! : this.sigs.resultStart[sig]!;
  }

  private labelCount(d: number): number {
    const sig = this.ctrlSig[d]!;
    return this.ctrlOp[d] === Op.Loop ? this.sigs.paramCount[sig]! : this.sigs.resultCount[sig]!;
  }

  private setUnreachable(): void {
    this.sp = this.height;
    this.ctrlUnreachable[this.depth - 1] = 1;
  }

  // ── module-level lookups ────────────────────────────────────────────────────────────

  /** Reads a block type at r.pos; returns its signature id. */
  private blockSig(): number {
    const r = this.r;
    const b = r.peekU8();
    if (b === 0x40) {
      r.pos++;
      return EMPTY_SIG;
    }
    if (b < 0x80 && VALUE_SIG[b] !== 0) {
      if (b === ValType.ExnRef && !this.exceptions) r.fail('malformed block type');
      r.pos++;
      this.checkValType(b);
      return VALUE_SIG[b]!;
    }
    if (b === 0x63 || b === 0x64) return refBlockSig(this.sigs, this.bodyType(r.readValType()));
    // A type index, as r.readBlockType reads it (without its object).
    const start = r.pos;
    const index = r.readVarS33();
    if (index < 0) r.fail('malformed block type', start);
    if (index >= this.numTypes) this.fail(`unknown type ${index}`);
    return FIRST_TYPE_SIG + index;
  }

  /** The signature id of function `index`. */
  private funcSigOf(index: number): number {
    if (index >= this.m.funcs.length) this.fail(`unknown function ${index}`);
    const t = this.m.funcs[index]!;
    if (t >= this.numTypes) this.fail(`unknown type ${t}`);
    return FIRST_TYPE_SIG + t;
  }

  private tableType(index: number): number {
    if (index >= this.tableTypes.length) return this.fail(`unknown table ${index}`);
    return this.tableTypes[index]!;
  }

  private checkMemory(): void {
    if (!this.hasMemory) this.fail('unknown memory 0');
  }

  // ── multi-memory and memory64 (off the hot path: memory 0 with i32 addresses is inline) ──

  /** The address type of memory `index`; fails for an unknown memory. */
  private memoryAddr(index: number): number {
    if (index >= this.memAddr.length) this.fail(`unknown memory ${index}`);
    return this.memAddr[index]!;
  }

  /**
   * A memory operator's memory index: a u32 with multi-memory, else 2.0's reserved zero
   * byte. Returns the memory's address type.
   */
  private memoryIndex(): number {
    if (!this.multiMemory) {
      this.zeroByte();
      return this.memoryAddr(0);
    }
    return this.memoryAddr(this.r.readVarU32());
  }

  /**
   * A memarg's flags when they are not a one-byte alignment of memory 0: bit 6 announces a
   * memory index (multi-memory), flags from 0x80 on are malformed then. Returns the
   * alignment; the memory's address type is left in memargAddr.
   */
  private readMemargFlags(): number {
    const r = this.r;
    const at = r.pos;
    const flags = r.readVarU32();
    if (!this.multiMemory || flags < 0x40) {
      this.memargAddr = this.memAddr[0] ?? ValType.I32;
      return flags;
    }
    if (flags >= 0x80) r.fail('malformed memop flags', at);
    this.memargAddr = this.memoryAddr(r.readVarU32());
    return flags - 0x40;
  }

  /** A memarg offset beyond one byte: u64 with memory64 (below 2^32 for an i32 memory), else u32. */
  private readMemargOffset(addr: number): void {
    const r = this.r;
    if (!this.memory64) {
      r.readVarU32();
      return;
    }
    // Up to 4 LEB bytes (below 2^28: nearly every offset) it is in range for any memory
    // and well formed; only longer ones need the BigInt reader.
    const b = r.bytes;
    const p = r.pos;
    const last = Math.min(p + 4, r.end);
    for (let q = p; q < last; q++) {
      if (b[q]! < 0x80) {
        r.pos = q + 1;
        return;
      }
    }
    const offset = r.readVarU64();
    if (addr !== ValType.I64 && offset > 0xffffffffn) this.fail('offset out of range');
  }

  /** A full memarg (SIMD, atomics); returns its alignment, the address type in memargAddr. */
  private readMemarg(): number {
    const r = this.r;
    const align = this.readMemargFlags();
    this.readMemargOffset(this.memargAddr);
    if (!this.hasMemory) this.fail('unknown memory 0');
    return align;
  }

  /** A (validated) table's index type: i64 for a 64-bit table (table64), else i32. */
  private tableAddr(index: number): number {
    return this.m.tables[index]!.limits.address64 === true ? ValType.I64 : ValType.I32;
  }

  /** Pops a row's parameters whose first one is the address, typed `addr`. */
  private popAddressed(params: readonly number[], addr: number): void {
    for (let i = params.length - 1; i >= 1; i--) this.pop(params[i]!);
    this.pop(addr);
  }

  private localType(index: number): number {
    if (index >= this.numLocals) this.fail(`unknown local ${index}`);
    return this.locals[index]!;
  }

  private applySimple(sig: SimpleSig): void {
    const p = sig.params;
    for (let i = p.length - 1; i >= 0; i--) this.pop(p[i]!);
    if (sig.result !== undefined) this.push(sig.result);
  }

  /**
   * A reserved zero byte. The decoder does not scan bodies, so this validator checks it
   * (see the file comment).
   */
  private zeroByte(): void {
    if (this.r.readU8() !== 0) this.r.fail('zero byte expected', this.r.pos - 1);
  }

  // ── the instruction loop ────────────────────────────────────────────────────────────

  private run(): void {
    const r = this.r;
    const bytes = this.bytes;
    const end = r.end;
    const locals = this.locals;
    const uninit = this.uninit;
    const numLocals = this.numLocals;
    // Module facts in locals too: a field first read by an operator that only shows up
    // after the loop was optimised would cost a deoptimisation (no type feedback yet).
    const hasMemory = this.hasMemory;
    const addr0: number = this.memAddr[0] ?? ValType.I32;
    const numGlobals = this.numGlobals;
    const globalTypes = this.globalTypes;
    const globalMutable = this.globalMutable;
    this.sp = 0;
    this.depth = 0;
    this.pushCtrl(FUNCTION_FRAME, this.funcSig); // the function's parameters are locals
    let pos = r.pos;
    let sp = 0;
    let vals = this.vals;
    let height = 0;
    const uses = this.uses;
    const useScore = uses?.score ?? null;
    const useInLoop = uses?.inLoop ?? null;
    for (;;) {
      const at = pos;
      if (pos >= end) {
        r.pos = pos;
        r.readU8(); // fails: unexpected end
      }
      const op = bytes[pos++]!;
      // Every inline case below pushes at most one value more than it pops.
      if (sp === vals.length) {
        this.sp = sp;
        vals = this.growVals();
      }

      const arity = SIMPLE_ARITY[op]!;
      if (arity >= 0) {
        if (arity === 2) {
          const t = SIMPLE_P1[op]!;
          if (sp > height && vals[sp - 1] === t) sp--;
          else sp = this.popSlow(t, sp, at);
        }
        if (arity !== 0) {
          const t = SIMPLE_P0[op]!;
          if (sp > height && vals[sp - 1] === t) sp--;
          else sp = this.popSlow(t, sp, at);
        }
        const result = SIMPLE_RESULT[op]!;
        if (result !== 0) vals[sp++] = result;
        continue;
      }

      const memType = MEM_TYPE[op]!;
      if (memType !== 0) {
        let align: number;
        let addr = addr0;
        if (pos < end && (align = bytes[pos]!) < 0x40) pos++;
        else {
          // A memory index (multi-memory), or a long alignment.
          r.pos = pos;
          this.at = at;
          align = this.readMemargFlags();
          addr = this.memargAddr;
          pos = r.pos;
        }
        if (pos < end && bytes[pos]! < 0x80) pos++;
        else {
          r.pos = pos;
          this.at = at;
          this.readMemargOffset(addr);
          pos = r.pos;
        }
        if (!hasMemory) this.failAt('unknown memory 0', at);
        if (align > MEM_MAX_ALIGN[op]!) this.failAt('alignment must not be larger than natural', at);
        if (MEM_IS_STORE[op]) {
          if (sp > height && vals[sp - 1] === memType) sp--;
          else sp = this.popSlow(memType, sp, at);
          if (sp > height && vals[sp - 1] === addr) sp--;
          else sp = this.popSlow(addr, sp, at);
        } else {
          if (sp > height && vals[sp - 1] === addr) sp--;
          else sp = this.popSlow(addr, sp, at);
          vals[sp++] = memType;
        }
        continue;
      }

      switch (op) {
        case Op.LocalGet:
        case Op.LocalSet:
        case Op.LocalTee: {
          let index: number;
          if (pos < end && (index = bytes[pos]!) < 0x80) pos++;
          else {
            r.pos = pos;
            index = r.readVarU32();
            pos = r.pos;
          }
          if (index >= numLocals) this.failAt(`unknown local ${index}`, at);
          if (uninit[index] !== 0) {
            if (op === Op.LocalGet) this.failAt(`uninitialized local ${index}`, at);
            this.markInit(index);
          }
          if (useScore !== null) {
            useScore[index] += this.weight;
            if (this.loops > 0) useInLoop![index] = 1;
          }
          const t = locals[index]!;
          if (op !== Op.LocalGet) {
            if (sp > height && vals[sp - 1] === t) sp--;
            else sp = this.popSlow(t, sp, at);
          }
          if (op !== Op.LocalSet) vals[sp++] = t;
          continue;
        }
        case Op.I32Const:
          if (pos < end && bytes[pos]! < 0x80) pos++;
          else {
            r.pos = pos;
            r.readVarS32();
            pos = r.pos;
          }
          vals[sp++] = ValType.I32;
          continue;
        case Op.I64Const:
          if (pos < end && bytes[pos]! < 0x80) pos++;
          else {
            r.pos = pos;
            r.skipVarS64();
            pos = r.pos;
          }
          vals[sp++] = ValType.I64;
          continue;
        case Op.F32Const:
        case Op.F64Const: {
          const n = op === Op.F32Const ? 4 : 8;
          if (end - pos < n) {
            r.pos = pos;
            r.skip(n); // fails: unexpected end
          }
          pos += n;
          vals[sp++] = op === Op.F32Const ? ValType.F32 : ValType.F64;
          continue;
        }
        case Op.GlobalGet:
        case Op.GlobalSet: {
          let index: number;
          if (pos < end && (index = bytes[pos]!) < 0x80) pos++;
          else {
            r.pos = pos;
            index = r.readVarU32();
            pos = r.pos;
          }
          if (index >= numGlobals) this.failAt(`unknown global ${index}`, at);
          const t = globalTypes[index]!;
          if (op === Op.GlobalGet) {
            vals[sp++] = t;
          } else {
            if (!globalMutable[index]) this.failAt(`global is immutable: global ${index}`, at);
            if (sp > height && vals[sp - 1] === t) sp--;
            else sp = this.popSlow(t, sp, at);
          }
          continue;
        }
        case Op.Nop:
          continue;
      }

      // Everything else works on the state in fields.
      r.pos = pos;
      this.sp = sp;
      this.at = at;
      if (op === Op.End) {
        if (this.end()) {
          if (r.pos !== end) this.fail('section size mismatch');
          return;
        }
      } else {
        this.other(op);
      }
      pos = r.pos;
      sp = this.sp;
      vals = this.vals;
      height = this.height;
    }
  }

  /** `end`: closes the innermost frame; true if that was the function's. */
  private end(): boolean {
    const d = this.popCtrl();
    if (this.ctrlOp[d] === Op.Loop) this.weight = weightAt(--this.loops);
    const sig = this.ctrlSig[d]!;
    // An if without else behaves as if its else branch were empty, so its start types
    // must already be its end types.
    if (this.ctrlOp[d] === Op.If && !this.sameParamsAndResults(sig)) {
      this.fail('type mismatch: if without else must not change the stack');
    }
    if (d === 0) return true;
    this.pushTypes(this.sigs.resultStart[sig]!, this.sigs.resultCount[sig]!);
    return false;
  }

  private sameParamsAndResults(sig: number): boolean {
    const s = this.sigs;
    const n = s.paramCount[sig]!;
    if (n !== s.resultCount[sig]!) return false;
    for (let i = 0; i < n; i++) if (!isSubtype(s.pool[s.paramStart[sig]! + i]!, s.pool[s.resultStart[sig]! + i]!)) return false;
    return true;
  }

  /** Every operator the hot loop does not handle inline, at r.pos (after the opcode). */
  private other(op: number): void {
    const r = this.r;
    switch (op) {
      case Op.Unreachable:
        this.setUnreachable();
        return;
      case Op.Block:
      case Op.Loop: {
        const sig = this.blockSig();
        this.popTypes(this.sigs.paramStart[sig]!, this.sigs.paramCount[sig]!);
        this.enterBlock(op, sig);
        if (op === Op.Loop) this.weight = weightAt(++this.loops);
        return;
      }
      case Op.If: {
        const sig = this.blockSig();
        this.pop(ValType.I32);
        this.popTypes(this.sigs.paramStart[sig]!, this.sigs.paramCount[sig]!);
        this.enterBlock(op, sig);
        return;
      }
      case Op.Else: {
        const d = this.popCtrl();
        // Malformed (the reference decoder ends the current block at `else`).
        if (this.ctrlOp[d] !== Op.If) this.fail('END opcode expected');
        this.enterBlock(Op.Else, this.ctrlSig[d]!);
        return;
      }
      case Op.Br: {
        const d = this.label(r.readVarU32());
        this.popTypes(this.labelStart(d), this.labelCount(d));
        this.setUnreachable();
        return;
      }
      case Op.BrIf: {
        const d = this.label(r.readVarU32());
        const start = this.labelStart(d);
        const count = this.labelCount(d);
        this.pop(ValType.I32);
        this.popTypes(start, count);
        this.pushTypes(start, count);
        return;
      }
      case Op.BrTable:
        this.brTable();
        return;
      case Op.Return: {
        const sig = this.funcSig;
        this.popTypes(this.sigs.resultStart[sig]!, this.sigs.resultCount[sig]!);
        this.setUnreachable();
        return;
      }
      case Op.Call: {
        if (this.uses !== null) this.uses.callWeight += this.weight;
        const sig = this.funcSigOf(r.readVarU32());
        this.popTypes(this.sigs.paramStart[sig]!, this.sigs.paramCount[sig]!);
        this.pushTypes(this.sigs.resultStart[sig]!, this.sigs.resultCount[sig]!);
        return;
      }
      case Op.CallIndirect: {
        if (this.uses !== null) this.uses.callWeight += this.weight;
        const typeIndex = r.readVarU32();
        const table = r.readVarU32();
        const elemType = this.tableType(table);
        if (typeIndex >= this.numTypes) this.fail(`unknown type ${typeIndex}`);
        if (!isSubtype(elemType, ValType.FuncRef)) this.fail('type mismatch: call_indirect requires a funcref table');
        const sig = FIRST_TYPE_SIG + typeIndex;
        this.pop(this.tableAddr(table));
        this.popTypes(this.sigs.paramStart[sig]!, this.sigs.paramCount[sig]!);
        this.pushTypes(this.sigs.resultStart[sig]!, this.sigs.resultCount[sig]!);
        return;
      }
      default:
        this.rareOp(op);
    }
  }

  /**
   * The operators neither the hot loop nor `other` handle (a function of their own, so the
   * frequent ones compile to less code, which a cold process optimises sooner).
   */
  private rareOp(op: number): void {
    const r = this.r;
    switch (op) {
      case Op.Drop:
        this.popAny();
        return;
      case Op.Select: {
        this.pop(ValType.I32);
        const t1 = this.popAny();
        const t2 = this.popAny();
        // Untyped select only works on numeric types; references need the typed form.
        if (!isNumeric(t1) || !isNumeric(t2)) this.fail('type mismatch: select without a type needs numeric operands');
        if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) {
          this.fail(`type mismatch: select operands are ${typeName(t2)} and ${typeName(t1)}`);
        }
        this.push(t1 === UNKNOWN ? t2 : t1);
        return;
      }
      case Op.SelectT: {
        const n = r.readVarU32();
        if (n !== 1) this.fail('invalid result arity');
        const t = this.bodyType(r.readValType());
        this.pop(ValType.I32);
        this.pop(t);
        this.pop(t);
        this.push(t);
        return;
      }
      case Op.TableGet: {
        const table = r.readVarU32();
        const t = this.tableType(table);
        this.pop(this.tableAddr(table));
        this.push(t);
        return;
      }
      case Op.TableSet: {
        const table = r.readVarU32();
        const t = this.tableType(table);
        this.pop(t);
        this.pop(this.tableAddr(table));
        return;
      }
      case Op.MemorySize: {
        const addr = this.memoryIndex();
        this.push(addr);
        return;
      }
      case Op.MemoryGrow: {
        const addr = this.memoryIndex();
        this.pop(addr);
        this.push(addr);
        return;
      }
      case Op.RefNull:
        this.push(this.bodyType(r.readHeapType()));
        return;
      case Op.RefIsNull: {
        const t = this.popAny();
        if (!isRef(t)) this.fail(`type mismatch: ref.is_null expects a reference but got ${typeName(t)}`);
        this.push(ValType.I32);
        return;
      }
      case Op.RefFunc: {
        const index = r.readVarU32();
        if (index >= this.m.funcs.length) this.fail(`unknown function ${index}`);
        if (!this.ctx.declaredRefs[index]) this.fail(`undeclared function reference ${index}`);
        // With typed function references, ref.func is a non-null reference of its exact type.
        this.push(this.typedRefs ? typedRef(this.canon[this.m.funcs[index]!]!, false) : ValType.FuncRef);
        return;
      }
      case Op.CallRef:
      case Op.ReturnCallRef:
      case Op.RefAsNonNull:
      case Op.BrOnNull:
      case Op.BrOnNonNull:
        this.requireTypedRefs();
        this.typedRefOp(op);
        return;
      case Op.ReturnCall:
      case Op.ReturnCallIndirect:
        this.returnCall(op);
        return;
      case Op.PrefixFC:
        this.prefixFC();
        return;
      case Op.Try:
      case Op.Catch:
      case Op.CatchAll:
      case Op.Delegate:
      case Op.Throw:
      case Op.Rethrow:
      case Op.ThrowRef:
      case Op.TryTable:
        if (!this.exceptions) this.fail('illegal opcode');
        this.exceptionOp(op);
        return;
      case Op.PrefixFD:
        if (!this.simd) throw new UnsupportedFeatureError('SIMD', 'SIMD not supported', this.at, this.funcIndex, null);
        this.prefixFD();
        return;
      case Op.PrefixFE:
        this.prefixFE();
        return;
      default:
        // Not an operator (the hot loop handled the simple ones, loads and stores).
        this.fail('illegal opcode');
    }
  }

  // ── exception handling (docs/exceptions.md) ─────────────────────────────────────────

  /** The signature id of tag `index` (its params are the payload). */
  private tagSig(index: number): number {
    const t = this.m.tags[index];
    if (t === undefined) this.fail(`unknown tag ${index}`);
    return FIRST_TYPE_SIG + t;
  }

  private exceptionOp(op: number): void {
    const r = this.r;
    const sigs = this.sigs;
    switch (op) {
      case Op.Throw: {
        if (this.uses !== null) this.uses.callWeight += this.weight;
        const sig = this.tagSig(r.readVarU32());
        this.popTypes(sigs.paramStart[sig]!, sigs.paramCount[sig]!);
        this.setUnreachable();
        return;
      }
      case Op.ThrowRef:
        this.pop(ValType.ExnRef);
        this.setUnreachable();
        return;
      case Op.TryTable: {
        if (this.uses !== null) this.uses.handlers++;
        const sig = this.blockSig();
        const n = r.readVarU32();
        for (let i = 0; i < n; i++) this.catchClause();
        this.popTypes(sigs.paramStart[sig]!, sigs.paramCount[sig]!);
        this.enterBlock(Op.TryTable, sig);
        return;
      }
      case Op.Try: {
        if (this.uses !== null) {
          this.uses.handlers++;
          this.uses.legacyTries++;
        }
        const sig = this.blockSig();
        this.popTypes(sigs.paramStart[sig]!, sigs.paramCount[sig]!);
        this.enterBlock(Op.Try, sig);
        return;
      }
      case Op.Catch:
      case Op.CatchAll: {
        const inner = this.ctrlOp[this.depth - 1];
        if (inner !== Op.Try && inner !== Op.Catch) this.fail(op === Op.Catch ? 'catch outside of a try' : 'catch_all outside of a try');
        const tag = op === Op.Catch ? this.tagSig(r.readVarU32()) : 0;
        const d = this.popCtrl();
        this.pushCtrl(op, this.ctrlSig[d]!);
        if (op === Op.Catch) this.pushTypes(sigs.paramStart[tag]!, sigs.paramCount[tag]!);
        return;
      }
      case Op.Delegate: {
        if (this.ctrlOp[this.depth - 1] !== Op.Try) this.fail('delegate outside of a try');
        const depth = r.readVarU32();
        const d = this.popCtrl();
        // The label counts from outside the try; the function's own frame is a valid target.
        if (depth >= this.depth) this.fail(`unknown label ${depth}`);
        const sig = this.ctrlSig[d]!;
        this.pushTypes(sigs.resultStart[sig]!, sigs.resultCount[sig]!);
        return;
      }
      case Op.Rethrow: {
        const d = this.label(r.readVarU32());
        if (this.ctrlOp[d] !== Op.Catch && this.ctrlOp[d] !== Op.CatchAll) this.fail('invalid rethrow label');
        this.setUnreachable();
        return;
      }
    }
  }

  /** One catch clause of a try_table: what it hands its label must be what the label takes. */
  private catchClause(): void {
    const r = this.r;
    const sigs = this.sigs;
    const kind = r.readU8();
    if (kind > 3) r.fail('malformed catch clause', r.pos - 1);
    let start = 0;
    let count = 0;
    if (kind < 2) {
      const sig = this.tagSig(r.readVarU32());
      start = sigs.paramStart[sig]!;
      count = sigs.paramCount[sig]!;
    }
    const withRef = kind === 1 || kind === 3;
    const d = this.label(r.readVarU32());
    const lStart = this.labelStart(d);
    const lCount = this.labelCount(d);
    if (lCount !== count + (withRef ? 1 : 0)) this.fail('type mismatch: catch clause and label arity differ');
    const pool = sigs.pool;
    for (let i = 0; i < count; i++) {
      if (!isSubtype(pool[start + i]!, pool[lStart + i]!)) this.fail('type mismatch: catch clause and label types differ');
    }
    if (withRef && !isSubtype(ValType.ExnRef | 0x100, pool[lStart + count]!)) this.fail('type mismatch: catch clause passes an exnref');
  }

  /** return_call / return_call_indirect (tail calls; rules in tail-calls.ts). */
  private returnCall(op: number): void {
    const r = this.r;
    if (this.m.features?.tailCalls === false) throw new UnsupportedFeatureError(FEATURE.tailCalls, 'illegal opcode', this.at, this.funcIndex);
    // A call for the entry's epoch check (lower/local-regs.ts mayCall).
    if (this.uses !== null) this.uses.callWeight += this.weight;
    let sig: number;
    if (op === Op.ReturnCall) {
      sig = this.funcSigOf(r.readVarU32());
    } else {
      const typeIndex = r.readVarU32();
      const table = r.readVarU32();
      const elemType = this.tableType(table);
      if (typeIndex >= this.numTypes) this.fail(`unknown type ${typeIndex}`);
      if (!isSubtype(elemType, ValType.FuncRef)) this.fail('type mismatch: return_call_indirect requires a funcref table');
      sig = FIRST_TYPE_SIG + typeIndex;
      this.pop(this.tableAddr(table));
    }
    this.popTypes(this.sigs.paramStart[sig]!, this.sigs.paramCount[sig]!);
    if (!sameResults(this.sigs, this.funcSig, sig)) this.fail('type mismatch: tail call results differ from the function\'s');
    this.setUnreachable();
  }

  private brTable(): void {
    const r = this.r;
    const n = r.readVarU32();
    let targets = this.brTargets;
    for (let i = 0; i < n; i++) {
      // Each target takes at least one byte, so the body's size bounds n before this grows far.
      if (i === targets.length) targets = this.growBrTargets();
      targets[i] = r.readVarU32();
    }
    const dflt = this.label(r.readVarU32());
    const defaultStart = this.labelStart(dflt);
    const arity = this.labelCount(dflt);
    this.pop(ValType.I32);
    if (arity > this.popped.length) this.popped = new Int32Array(arity);
    const popped = this.popped;
    const pool = this.sigs.pool;
    for (let k = 0; k < n; k++) {
      const d = this.label(targets[k]!);
      const start = this.labelStart(d);
      const count = this.labelCount(d);
      if (count !== arity) {
        this.fail(`type mismatch: br_table targets have different arities (${count} and ${arity})`);
      }
      // Pop and re-push what is actually there, so UNKNOWN stays UNKNOWN and the next
      // target is checked against the same operands.
      for (let i = count - 1; i >= 0; i--) popped[i] = this.pop(pool[start + i]!);
      for (let i = 0; i < count; i++) this.push(popped[i]!);
    }
    this.popTypes(defaultStart, arity);
    this.setUnreachable();
  }

  private growBrTargets(): Uint32Array {
    const next = new Uint32Array(this.brTargets.length * 2);
    next.set(this.brTargets);
    this.brTargets = next;
    return next;
  }

  /** A 0xFD operator: typed by its row; its immediates are checked here. */
  private prefixFD(): void {
    const r = this.r;
    const sub = r.readVarU32();
    const row = SIMD_ROWS[sub];
    if (row === undefined) this.fail('illegal opcode');
    switch (row.imm) {
      case ImmKind.V128Const:
        r.skip(16);
        break;
      case ImmKind.Shuffle: {
        // All 16 bytes are read before any is checked: a short body is malformed, which
        // wins over an invalid lane.
        const start = r.pos;
        r.skip(16);
        for (let i = 0; i < 16; i++) if (this.bytes[start + i]! >= 32) this.fail('invalid lane index');
        break;
      }
      case ImmKind.Lane:
        if (r.readU8() >= SIMD_LANES[sub]!) this.fail('invalid lane index');
        break;
      case ImmKind.MemArg:
      case ImmKind.MemArgLane: {
        const align = this.readMemarg();
        const lane = row.imm === ImmKind.MemArgLane ? r.readU8() : 0;
        if (align > Math.log2(row.accessBytes)) this.fail('alignment must not be larger than natural');
        if (row.imm === ImmKind.MemArgLane && lane >= SIMD_LANES[sub]!) this.fail('invalid lane index');
        if (this.memargAddr === ValType.I64) {
          this.popAddressed(row.params!, ValType.I64);
          for (const t of row.results!) this.push(t);
          return;
        }
        break;
      }
    }
    const p = row.params!;
    for (let i = p.length - 1; i >= 0; i--) this.pop(p[i]!);
    for (const t of row.results!) this.push(t);
  }

  /**
   * A 0xFE (threads) operator: typed by its row. Unlike a plain load or store, an atomic
   * access must state its natural alignment exactly (the threads proposal's validation rule).
   */
  private prefixFE(): void {
    const r = this.r;
    const row = ATOMIC_ROWS[r.readVarU32()];
    if (row === undefined) this.fail('illegal opcode');
    if (row.imm === ImmKind.ZeroByte) {
      this.zeroByte(); // atomic.fence
    } else {
      const align = this.readMemarg();
      const natural = Math.log2(row.accessBytes);
      if (align > natural) this.fail('alignment must not be larger than natural');
      if (align < natural) this.fail('atomic alignment must be natural');
      if (this.memargAddr === ValType.I64) {
        this.popAddressed(row.params!, ValType.I64);
        for (const t of row.results!) this.push(t);
        return;
      }
    }
    const p = row.params!;
    for (let i = p.length - 1; i >= 0; i--) this.pop(p[i]!);
    for (const t of row.results!) this.push(t);
  }

  private prefixFC(): void {
    const r = this.r;
    const sub = r.readVarU32();
    const simple = FC_SIGS[sub];
    if (simple !== undefined) {
      this.applySimple(simple);
      return;
    }
    switch (sub) {
      case OpFC.MemoryInit: {
        const seg = r.readVarU32();
        const addr = this.memoryIndex();
        this.checkDataSegment(seg);
        this.popI32s(2);
        this.pop(addr);
        return;
      }
      case OpFC.DataDrop: {
        this.checkDataSegment(r.readVarU32());
        return;
      }
      case OpFC.MemoryCopy: {
        const dst = this.memoryIndex();
        const src = this.memoryIndex();
        // The length is i64 only between two 64-bit memories.
        this.pop(dst === ValType.I64 && src === ValType.I64 ? ValType.I64 : ValType.I32);
        this.pop(src);
        this.pop(dst);
        return;
      }
      case OpFC.MemoryFill: {
        const addr = this.memoryIndex();
        this.pop(addr);
        this.pop(ValType.I32);
        this.pop(addr);
        return;
      }
      case OpFC.TableInit: {
        const seg = r.readVarU32();
        const table = r.readVarU32();
        const t = this.tableType(table);
        const e = this.elemType(seg);
        if (!isSubtype(e, t)) this.fail(`type mismatch: table.init of ${typeName(e)} segment into ${typeName(t)} table`);
        this.popI32s(2);
        this.pop(this.tableAddr(table));
        return;
      }
      case OpFC.ElemDrop:
        this.elemType(r.readVarU32());
        return;
      case OpFC.TableCopy: {
        const dstTable = r.readVarU32();
        const srcTable = r.readVarU32();
        const dst = this.tableType(dstTable);
        const src = this.tableType(srcTable);
        if (!isSubtype(src, dst)) this.fail(`type mismatch: table.copy from ${typeName(src)} table to ${typeName(dst)} table`);
        // table64: as memory.copy, the length is i64 only between two 64-bit tables.
        const d = this.tableAddr(dstTable);
        const sa = this.tableAddr(srcTable);
        this.pop(d === ValType.I64 && sa === ValType.I64 ? ValType.I64 : ValType.I32);
        this.pop(sa);
        this.pop(d);
        return;
      }
      case OpFC.TableGrow: {
        const table = r.readVarU32();
        const t = this.tableType(table);
        const at = this.tableAddr(table);
        this.pop(at);
        this.pop(t);
        this.push(at);
        return;
      }
      case OpFC.TableSize: {
        const table = r.readVarU32();
        this.tableType(table);
        this.push(this.tableAddr(table));
        return;
      }
      case OpFC.TableFill: {
        const table = r.readVarU32();
        const t = this.tableType(table);
        const at = this.tableAddr(table);
        this.pop(at);
        this.pop(t);
        this.pop(at);
        return;
      }
      default:
        this.fail('illegal opcode');
    }
  }

  /**
   * Code may only name data segments when the module has a data count section (so that a
   * single-pass compiler knows the count before the data section). A missing section is a
   * decoding error in the spec, but an index that cannot exist at all is reported first:
   * that is what the spec tests expect for text modules without data segments.
   */
  private checkDataSegment(index: number): void {
    if (index >= (this.dataCount ?? dataSegmentCount(this.m))) this.fail(`unknown data segment ${index}`);
    if (this.dataCount === undefined) this.fail('data count section required');
  }

  private popI32s(n: number): void {
    for (let i = 0; i < n; i++) this.pop(ValType.I32);
  }

  private elemType(index: number): number {
    const e = this.m.elems[index];
    if (!e) return this.fail(`unknown elem segment ${index}`);
    return canonicalRef(e.elemType, this.canon);
  }

  // ── typed function references (docs/typed-references.md) ────────────────────────────

  /** A call_ref / return_call_ref immediate: the signature of type `index`. */
  private refCallSig(): number {
    const index = this.r.readVarU32();
    if (index >= this.numTypes) this.fail(`unknown type ${index}`);
    // The callee operand: a (ref null $t) (a null one traps at run time).
    this.pop(typedRef(this.canon[index]!, true));
    return FIRST_TYPE_SIG + index;
  }

  /** Pops a reference (any); UNKNOWN when the stack is polymorphic here. */
  private popRef(what: string): number {
    const t = this.popAny();
    if (t !== UNKNOWN && !isRefType(t)) this.fail(`type mismatch: ${what} expects a reference but got ${typeName(t)}`);
    return t;
  }

  private typedRefOp(op: number): void {
    const r = this.r;
    const sigs = this.sigs;
    switch (op) {
      case Op.CallRef: {
        if (this.uses !== null) this.uses.callWeight += this.weight;
        const sig = this.refCallSig();
        this.popTypes(sigs.paramStart[sig]!, sigs.paramCount[sig]!);
        this.pushTypes(sigs.resultStart[sig]!, sigs.resultCount[sig]!);
        return;
      }
      case Op.ReturnCallRef: {
        if (this.m.features?.tailCalls === false) throw new UnsupportedFeatureError(FEATURE.tailCalls, 'illegal opcode', this.at, this.funcIndex);
        if (this.uses !== null) this.uses.callWeight += this.weight;
        const sig = this.refCallSig();
        this.popTypes(sigs.paramStart[sig]!, sigs.paramCount[sig]!);
        if (!sameResults(sigs, this.funcSig, sig)) this.fail('type mismatch: tail call results differ from the function\'s');
        this.setUnreachable();
        return;
      }
      case Op.RefAsNonNull: {
        const t = this.popRef('ref.as_non_null');
        this.push(t === UNKNOWN ? UNKNOWN : withNullable(t, false));
        return;
      }
      case Op.BrOnNull: {
        const d = this.label(r.readVarU32());
        const t = this.popRef('br_on_null');
        const start = this.labelStart(d);
        const count = this.labelCount(d);
        this.popTypes(start, count);
        this.pushTypes(start, count);
        this.push(t === UNKNOWN ? UNKNOWN : withNullable(t, false));
        return;
      }
      case Op.BrOnNonNull: {
        const d = this.label(r.readVarU32());
        const start = this.labelStart(d);
        const count = this.labelCount(d);
        // The label takes [t* (ref ht)]: the operand, non-null, is its last value.
        if (count === 0) this.fail('type mismatch: br_on_non_null needs a label that takes a reference');
        const target = sigs.pool[start + count - 1]!;
        if (!isRefType(target)) this.fail(`type mismatch: br_on_non_null needs a label that takes a reference, not ${typeName(target)}`);
        const t = this.popRef('br_on_non_null');
        if (t !== UNKNOWN && !isSubtype(withNullable(t, false), target)) {
          this.fail(`type mismatch: br_on_non_null passes ${typeName(withNullable(t, false))} to a label that takes ${typeName(target)}`);
        }
        this.popTypes(start, count - 1);
        this.pushTypes(start, count - 1);
        return;
      }
    }
  }
}

/** A number or a vector: what untyped select accepts (v128 only exists when SIMD is validated). */
function isNumeric(t: number): boolean {
  return t === ValType.I32 || t === ValType.I64 || t === ValType.F32 || t === ValType.F64 || t === ValType.V128 || t === UNKNOWN;
}

function isRef(t: number): boolean {
  return t === UNKNOWN || isRefType(t);
}
