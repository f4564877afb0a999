// Validation of one function body: the algorithm of the spec's validation appendix. An
// operand stack holds value types, with UNKNOWN standing for values popped from the
// polymorphic stack that follows unreachable, br, br_table and return; a control stack
// holds one frame per open block with its start and end types.
//
// Normally the body was already scanned for well-formedness by the decoder, and everything
// checked here is a typing rule. But this validator also rejects every malformed body (with
// some error, not necessarily the decoder's: it reads every immediate with the same checked
// reader, checks reserved bytes, stops at the body's end, and treats an unknown opcode as a
// bug), which lets compileModule validate bodies the decoder did not scan, falling back to
// decode + validate in sequence for the exact error whenever something is wrong.

import { CompileError } from '../errors.js';
import { BinaryReader } from '../wasm/reader.js';
import { ImmKind, Op, OpFC, PREFIX_SPACES } from '../wasm/opcodes.js';
import { SIMD_PREFIX, simdLaneCount } from '../wasm/operators-simd.js';
import { ValType, type BlockType, type FuncType, type WasmModule } from '../wasm/types.js';
import { blockSignature } from '../wasm/module.js';
import { moduleContext, type ModuleContext } from './context.js';
import { FC_SIGS, MEM_ACCESS, NUMERIC_SIGS, typeName, type MemAccess, type SimpleSig } from './signatures.js';

const SIMD_ROWS = PREFIX_SPACES[SIMD_PREFIX]!.rows;

/** Operand-stack entry for a value whose type is not known (it came from unreachable code). */
const UNKNOWN = 0;
/** Opcode recorded for the function's own frame. */
const FUNCTION_FRAME = -1;
const NO_TYPES: readonly ValType[] = Object.freeze([]);

interface Ctrl {
  /** Op.Block / Loop / If / Else, or FUNCTION_FRAME. */
  op: number;
  params: readonly ValType[];
  results: readonly ValType[];
  /** Operand stack height at the start of the block. */
  height: number;
  /** True after an instruction that never falls through: the rest of the block is dead. */
  unreachable: boolean;
}

/** Validates the body of defined function definedIndex (0 = first non-imported function). */
export function validateFunction(m: WasmModule, definedIndex: number, options: ValidateOptions = {}): void {
  validateFunctions(m, definedIndex, definedIndex + 1, options);
}

/** What validation admits beyond what the compiler lowers. */
export interface ValidateOptions {
  /**
   * Validate v128 types and the 0xFD (SIMD and relaxed SIMD) operators (default true); false
   * refuses them with 'SIMD not supported'.
   */
  simd?: boolean;
}

/**
 * Validates the bodies of defined functions from..to-1 in order, with one validator whose
 * stacks are reused from function to function.
 */
export function validateFunctions(m: WasmModule, from: number, to: number, options: ValidateOptions = {}): void {
  const v = new FunctionValidator(m, moduleContext(m), options.simd !== false);
  for (let i = from; i < to; i++) v.validate(i);
}

class FunctionValidator {
  private r: BinaryReader;
  private funcIndex = 0;
  private type: FuncType = { params: [], results: [] };
  /** Types of the current function's locals (params first); numLocals are in use. */
  private locals = new Uint8Array(64);
  private numLocals = 0;
  /** The operand stack: value types (or UNKNOWN), sp entries in use. */
  private vals = new Uint8Array(64);
  private sp = 0;
  /** The control stack: frames are reused, depth of them are open. */
  private readonly ctrls: Ctrl[] = [];
  private depth = 0;
  private top!: Ctrl;
  /** Byte offset of the instruction being validated, for error locations. */
  private at = 0;
  private readonly numGlobals: number;
  /** Number of data segments code may name, or undefined without a data count section. */
  private readonly dataCount: number | undefined;
  private readonly scratch: number[] = [];
  private readonly popped: number[] = [];

  constructor(
    private readonly m: WasmModule,
    private readonly ctx: ModuleContext,
    private readonly simd: boolean,
  ) {
    this.r = new BinaryReader(m.bytes, 0, 0);
    this.numGlobals = m.numImportedGlobals + m.globals.length;
    this.dataCount = m.dataCount;
  }

  validate(definedIndex: number): void {
    const m = this.m;
    const body = m.codes[definedIndex];
    if (!body) throw new Error(`BUG: no body for defined function ${definedIndex}`);
    const funcIndex = m.numImportedFuncs + definedIndex;
    const type = m.types[m.funcs[funcIndex]!];
    if (!type) throw new CompileError(`unknown type ${m.funcs[funcIndex]}`, body.offset, funcIndex);
    this.funcIndex = funcIndex;
    this.type = type;
    this.r.pos = body.bodyStart;
    this.r.end = body.bodyEnd;
    this.r.funcIndex = funcIndex;
    this.at = body.offset;
    this.sp = 0;
    this.depth = 0;
    const n = type.params.length + body.numLocals;
    if (n > this.locals.length) this.locals = new Uint8Array(Math.max(n, 2 * this.locals.length));
    const locals = this.locals;
    let k = 0;
    for (const t of type.params) locals[k++] = t;
    for (const g of body.localGroups) {
      this.checkValType(g.type);
      locals.fill(g.type, k, k + g.count);
      k += g.count;
    }
    this.numLocals = k;
    this.run();
  }

  /**
   * A reserved zero byte. The decoder's body scan has checked it whenever that scan ran;
   * checking it here too keeps this validator's promise that it rejects every malformed
   * body (see the file comment).
   */
  private zeroByte(): void {
    if (this.r.readU8() !== 0) this.r.fail('zero byte expected', this.r.pos - 1);
  }

  // ── errors ──────────────────────────────────────────────────────────────────────────

  private fail(message: string): never {
    throw new CompileError(message, this.at, this.funcIndex);
  }

  private checkValType(t: ValType): void {
    if (t === ValType.V128 && !this.simd) this.fail('SIMD not supported');
  }

  // ── operand stack ───────────────────────────────────────────────────────────────────

  private push(t: number): void {
    if (this.sp === this.vals.length) this.growVals();
    this.vals[this.sp++] = t;
  }

  private growVals(): void {
    const next = new Uint8Array(this.vals.length * 2);
    next.set(this.vals);
    this.vals = next;
  }

  private pushAll(types: readonly ValType[]): void {
    for (let i = 0; i < types.length; i++) this.push(types[i]!);
  }

  /** Pops any value; UNKNOWN if the stack is polymorphic here. */
  private popAny(): number {
    const top = this.top;
    if (this.sp === top.height) {
      if (top.unreachable) return UNKNOWN;
      this.fail('type mismatch: expected a value but the stack is empty');
    }
    return this.vals[--this.sp]!;
  }

  /** Pops a value that must have type `expected` (or be UNKNOWN); returns what was popped. */
  private pop(expected: number): number {
    const top = this.top;
    if (this.sp === top.height) {
      if (top.unreachable) return UNKNOWN;
      this.fail(`type mismatch: expected ${typeName(expected)} but the stack is empty`);
    }
    const actual = this.vals[--this.sp]!;
    if (actual !== expected && actual !== UNKNOWN && expected !== UNKNOWN) {
      this.fail(`type mismatch: expected ${typeName(expected)} but got ${typeName(actual)}`);
    }
    return actual;
  }

  private popAll(types: readonly ValType[]): void {
    for (let i = types.length - 1; i >= 0; i--) this.pop(types[i]!);
  }

  // ── control stack ───────────────────────────────────────────────────────────────────

  private pushCtrl(op: number, params: readonly ValType[], results: readonly ValType[]): void {
    let frame = this.ctrls[this.depth];
    if (frame === undefined) {
      frame = { op, params, results, height: this.sp, unreachable: false };
      this.ctrls.push(frame);
    } else {
      frame.op = op;
      frame.params = params;
      frame.results = results;
      frame.height = this.sp;
      frame.unreachable = false;
    }
    this.depth++;
    this.top = frame;
    this.pushAll(params);
  }

  /** Closes the innermost frame. The returned object stays valid until the next pushCtrl. */
  private popCtrl(): Ctrl {
    const frame = this.top;
    this.popAll(frame.results);
    if (this.sp !== frame.height) {
      this.fail(`type mismatch: ${this.sp - frame.height} extra value(s) left at the end of the block`);
    }
    this.depth--;
    if (this.depth > 0) this.top = this.ctrls[this.depth - 1]!;
    return frame;
  }

  /** The types a branch to the frame carries: a loop's start types, any other block's results. */
  private labelTypes(frame: Ctrl): readonly ValType[] {
    return frame.op === Op.Loop ? frame.params : frame.results;
  }

  private label(depth: number): Ctrl {
    if (depth >= this.depth) this.fail(`unknown label ${depth}`);
    return this.ctrls[this.depth - 1 - depth]!;
  }

  private setUnreachable(): void {
    this.sp = this.top.height;
    this.top.unreachable = true;
  }

  // ── module-level lookups ────────────────────────────────────────────────────────────

  private blockSig(bt: BlockType): FuncType {
    if (bt.kind === 'func' && bt.typeIndex >= this.m.types.length) this.fail(`unknown type ${bt.typeIndex}`);
    if (bt.kind === 'value') this.checkValType(bt.type);
    return blockSignature(this.m, bt);
  }

  private funcTypeOf(index: number): FuncType {
    if (index >= this.m.funcs.length) this.fail(`unknown function ${index}`);
    const t = this.m.types[this.m.funcs[index]!];
    if (!t) this.fail(`unknown type ${this.m.funcs[index]}`);
    return t;
  }

  private tableType(index: number): ValType {
    const t = this.m.tables[index];
    if (!t) return this.fail(`unknown table ${index}`);
    return t.elemType;
  }

  private checkMemory(): void {
    if (this.m.memories.length === 0) this.fail('unknown memory 0');
  }

  private globalType(index: number): { type: ValType; mutable: boolean } {
    if (index >= this.numGlobals) this.fail(`unknown global ${index}`);
    const n = this.m.numImportedGlobals;
    return index < n ? this.m.importedGlobals[index]! : this.m.globals[index - n]!.type;
  }

  private localType(index: number): ValType {
    if (index >= this.numLocals) this.fail(`unknown local ${index}`);
    return this.locals[index]! as ValType;
  }

  private applySimple(sig: SimpleSig): void {
    const p = sig.params;
    for (let i = p.length - 1; i >= 0; i--) this.pop(p[i]!);
    if (sig.result !== undefined) this.push(sig.result);
  }

  // ── the instruction loop ────────────────────────────────────────────────────────────

  run(): void {
    const r = this.r;
    this.pushCtrl(FUNCTION_FRAME, NO_TYPES, this.type.results);
    for (;;) {
      this.at = r.pos;
      const op = r.readU8();

      const numeric = NUMERIC_SIGS[op];
      if (numeric) {
        this.applySimple(numeric);
        continue;
      }

      switch (op) {
        case Op.Unreachable:
          this.setUnreachable();
          break;
        case Op.Nop:
          break;
        case Op.Block:
        case Op.Loop: {
          const sig = this.blockSig(r.readBlockType());
          this.popAll(sig.params);
          this.pushCtrl(op, sig.params, sig.results);
          break;
        }
        case Op.If: {
          const sig = this.blockSig(r.readBlockType());
          this.pop(ValType.I32);
          this.popAll(sig.params);
          this.pushCtrl(op, sig.params, sig.results);
          break;
        }
        case Op.Else: {
          const frame = this.popCtrl();
          if (frame.op !== Op.If) throw new Error(`BUG: else outside if passed the body scan at ${this.at}`);
          this.pushCtrl(Op.Else, frame.params, frame.results);
          break;
        }
        case Op.End: {
          const frame = this.popCtrl();
          // An if without else behaves as if its else branch were empty, so its start types
          // must already be its end types.
          if (frame.op === Op.If && !sameTypes(frame.params, frame.results)) {
            this.fail('type mismatch: if without else must not change the stack');
          }
          if (this.depth === 0) {
            if (!r.eof()) throw new Error(`BUG: function ${this.funcIndex} ends before its last byte`);
            return;
          }
          this.pushAll(frame.results);
          break;
        }
        case Op.Br: {
          this.popAll(this.labelTypes(this.label(r.readVarU32())));
          this.setUnreachable();
          break;
        }
        case Op.BrIf: {
          const types = this.labelTypes(this.label(r.readVarU32()));
          this.pop(ValType.I32);
          this.popAll(types);
          this.pushAll(types);
          break;
        }
        case Op.BrTable:
          this.brTable();
          break;
        case Op.Return:
          this.popAll(this.type.results);
          this.setUnreachable();
          break;
        case Op.Call: {
          const t = this.funcTypeOf(r.readVarU32());
          this.popAll(t.params);
          this.pushAll(t.results);
          break;
        }
        case Op.CallIndirect: {
          const typeIndex = r.readVarU32();
          const elemType = this.tableType(r.readVarU32());
          const t = this.m.types[typeIndex];
          if (!t) return this.fail(`unknown type ${typeIndex}`);
          if (elemType !== ValType.FuncRef) this.fail('type mismatch: call_indirect requires a funcref table');
          this.pop(ValType.I32);
          this.popAll(t.params);
          this.pushAll(t.results);
          break;
        }
        case Op.Drop:
          this.popAny();
          break;
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
          break;
        }
        case Op.SelectT: {
          const n = r.readVarU32();
          if (n !== 1) this.fail('invalid result arity');
          const t = r.readValType();
          this.checkValType(t);
          this.pop(ValType.I32);
          this.pop(t);
          this.pop(t);
          this.push(t);
          break;
        }
        case Op.LocalGet:
          this.push(this.localType(r.readVarU32()));
          break;
        case Op.LocalSet:
          this.pop(this.localType(r.readVarU32()));
          break;
        case Op.LocalTee: {
          const t = this.localType(r.readVarU32());
          this.pop(t);
          this.push(t);
          break;
        }
        case Op.GlobalGet:
          this.push(this.globalType(r.readVarU32()).type);
          break;
        case Op.GlobalSet: {
          const index = r.readVarU32();
          const g = this.globalType(index);
          if (!g.mutable) this.fail(`global is immutable: global ${index}`);
          this.pop(g.type);
          break;
        }
        case Op.TableGet: {
          const t = this.tableType(r.readVarU32());
          this.pop(ValType.I32);
          this.push(t);
          break;
        }
        case Op.TableSet: {
          const t = this.tableType(r.readVarU32());
          this.pop(t);
          this.pop(ValType.I32);
          break;
        }
        case Op.MemorySize:
          this.zeroByte();
          this.checkMemory();
          this.push(ValType.I32);
          break;
        case Op.MemoryGrow:
          this.zeroByte();
          this.checkMemory();
          this.pop(ValType.I32);
          this.push(ValType.I32);
          break;
        case Op.I32Const:
          r.readVarS32();
          this.push(ValType.I32);
          break;
        case Op.I64Const:
          r.skipVarS64();
          this.push(ValType.I64);
          break;
        case Op.F32Const:
          r.skip(4);
          this.push(ValType.F32);
          break;
        case Op.F64Const:
          r.skip(8);
          this.push(ValType.F64);
          break;
        case Op.RefNull:
          this.push(r.readRefType());
          break;
        case Op.RefIsNull: {
          const t = this.popAny();
          if (!isRef(t)) this.fail(`type mismatch: ref.is_null expects a reference but got ${typeName(t)}`);
          this.push(ValType.I32);
          break;
        }
        case Op.RefFunc: {
          const index = r.readVarU32();
          if (index >= this.m.funcs.length) this.fail(`unknown function ${index}`);
          if (!this.ctx.declaredRefs[index]) this.fail(`undeclared function reference ${index}`);
          this.push(ValType.FuncRef);
          break;
        }
        case Op.PrefixFC:
          this.prefixFC();
          break;
        case Op.PrefixFD:
          if (!this.simd) this.fail('SIMD not supported');
          this.prefixFD();
          break;
        default: {
          const access = MEM_ACCESS[op];
          if (access !== undefined) {
            this.memoryAccess(access);
            break;
          }
          // The body scan admits only the opcodes handled above.
          throw new Error(`BUG: opcode 0x${op.toString(16)} passed the body scan at ${this.at}`);
        }
      }
    }
  }

  private brTable(): void {
    const r = this.r;
    const targets = this.scratch;
    targets.length = 0;
    const n = r.readVarU32();
    for (let i = 0; i < n; i++) targets.push(r.readVarU32());
    const defaultTypes = this.labelTypes(this.label(r.readVarU32()));
    this.pop(ValType.I32);
    const arity = defaultTypes.length;
    const popped = this.popped;
    for (const depth of targets) {
      const types = this.labelTypes(this.label(depth));
      if (types.length !== arity) {
        this.fail(`type mismatch: br_table targets have different arities (${types.length} and ${arity})`);
      }
      // Pop and re-push what is actually there, so UNKNOWN stays UNKNOWN and the next
      // target is checked against the same operands.
      popped.length = 0;
      for (let i = types.length - 1; i >= 0; i--) popped.push(this.pop(types[i]!));
      for (let i = popped.length - 1; i >= 0; i--) this.push(popped[i]!);
    }
    this.popAll(defaultTypes);
    this.setUnreachable();
  }

  private memoryAccess(access: MemAccess): void {
    const r = this.r;
    const align = r.readVarU32();
    r.readVarU32(); // offset: any u32 is valid
    this.checkMemory();
    if (align > access.maxAlign) this.fail('alignment must not be larger than natural');
    if (access.store) {
      this.pop(access.type);
      this.pop(ValType.I32);
    } else {
      this.pop(ValType.I32);
      this.push(access.type);
    }
  }

  /** A 0xFD operator: typed by its row; its immediates are checked here. */
  private prefixFD(): void {
    const r = this.r;
    const row = SIMD_ROWS[r.readVarU32()];
    if (row === undefined) throw new Error(`BUG: 0xfd operator passed the body scan at ${this.at}`);
    switch (row.imm) {
      case ImmKind.V128Const:
        r.skip(16);
        break;
      case ImmKind.Shuffle:
        for (let i = 0; i < 16; i++) if (r.readU8() >= 32) this.fail('invalid lane index');
        break;
      case ImmKind.Lane:
        if (r.readU8() >= simdLaneCount(row.name)) this.fail('invalid lane index');
        break;
      case ImmKind.MemArg:
      case ImmKind.MemArgLane: {
        const align = r.readVarU32();
        r.readVarU32(); // offset: any u32 is valid
        this.checkMemory();
        if (align > Math.log2(row.accessBytes)) this.fail('alignment must not be larger than natural');
        if (row.imm === ImmKind.MemArgLane && r.readU8() >= simdLaneCount(row.name)) this.fail('invalid lane index');
        break;
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
        this.zeroByte();
        this.checkMemory();
        this.checkDataSegment(seg);
        this.popI32s(3);
        return;
      }
      case OpFC.DataDrop: {
        this.checkDataSegment(r.readVarU32());
        return;
      }
      case OpFC.MemoryCopy:
        this.zeroByte();
        this.zeroByte();
        this.checkMemory();
        this.popI32s(3);
        return;
      case OpFC.MemoryFill:
        this.zeroByte();
        this.checkMemory();
        this.popI32s(3);
        return;
      case OpFC.TableInit: {
        const seg = r.readVarU32();
        const t = this.tableType(r.readVarU32());
        const e = this.elemType(seg);
        if (e !== t) this.fail(`type mismatch: table.init of ${typeName(e)} segment into ${typeName(t)} table`);
        this.popI32s(3);
        return;
      }
      case OpFC.ElemDrop:
        this.elemType(r.readVarU32());
        return;
      case OpFC.TableCopy: {
        const dst = this.tableType(r.readVarU32());
        const src = this.tableType(r.readVarU32());
        if (dst !== src) this.fail(`type mismatch: table.copy from ${typeName(src)} table to ${typeName(dst)} table`);
        this.popI32s(3);
        return;
      }
      case OpFC.TableGrow: {
        const t = this.tableType(r.readVarU32());
        this.pop(ValType.I32);
        this.pop(t);
        this.push(ValType.I32);
        return;
      }
      case OpFC.TableSize:
        this.tableType(r.readVarU32());
        this.push(ValType.I32);
        return;
      case OpFC.TableFill: {
        const t = this.tableType(r.readVarU32());
        this.pop(ValType.I32);
        this.pop(t);
        this.pop(ValType.I32);
        return;
      }
      default:
        throw new Error(`BUG: 0xfc ${sub} passed the body scan at ${this.at}`);
    }
  }

  /**
   * Code may only name data segments when the module has a data count section (so that a
   * single-pass compiler knows the count before the data section). A missing section is a
   * decoding error in the spec, but an index that cannot exist at all is reported first:
   * that is what the spec tests expect for text modules without data segments.
   */
  private checkDataSegment(index: number): void {
    if (index >= (this.dataCount ?? this.m.datas.length)) this.fail(`unknown data segment ${index}`);
    if (this.dataCount === undefined) this.fail('data count section required');
  }

  private popI32s(n: number): void {
    for (let i = 0; i < n; i++) this.pop(ValType.I32);
  }

  private elemType(index: number): ValType {
    const e = this.m.elems[index];
    if (!e) return this.fail(`unknown elem segment ${index}`);
    return e.elemType;
  }
}

/** A number or a vector: what untyped select accepts (v128 only exists when SIMD is validated). */
function isNumeric(t: number): boolean {
  return t === ValType.I32 || t === ValType.I64 || t === ValType.F32 || t === ValType.F64 || t === ValType.V128 || t === UNKNOWN;
}

function isRef(t: number): boolean {
  return t === ValType.FuncRef || t === ValType.ExternRef || t === UNKNOWN;
}

function sameTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
