// Binaryen's translate-to-fuzz with exception handling emits both encodings in one module:
// legacy try/catch/delegate/rethrow and the Wasm 3.0 try_table/throw_ref/exnref. Node 20's
// V8 has only the legacy one, and binaryen translates only the other way
// (--translate-to-exnref). So this file rewrites a generated module into two modules that
// differ in nothing but the encoding of their try_tables:
//
//   - `modern`: every exnref removed (the type becomes externref, `ref.null noexn` becomes
//     `ref.null extern`, catch_ref/catch_all_ref clauses are dropped, throw_ref becomes
//     `drop; unreachable`), try_table kept. What wasmjit runs to test the new encoding.
//   - `legacy`: the same, with each try_table written as a legacy try whose handlers branch
//     where the clauses did: `try bt … catch x (br l+1) catch_all (br l+1) end`. What V8
//     runs (and wasmjit too, for the legacy encoding).
//
// Dropping the exnref parts changes what binaryen meant, which does not matter: the fuzzer
// needs valid input that both engines run, not binaryen's program. The translation of a
// try_table with plain clauses is exact: the body keeps its label depth (both are one
// label), the tag's values are on the stack at the start of a legacy handler as they are at
// a clause's branch, and a handler sits inside the try's label, hence l+1.
import { ALL_FEATURES, BinaryReader, CompileError, Op, readImmediates } from '@wasmjit/codegen';
import { concat, encodeU32, readLeb, sectionBytes, splitSections } from './wasm-bytes.js';

const EXNREF = 0x69; // also the abstract heap type `exn`
const NOEXN = 0x74;
const EXTERNREF = 0x6f; // also the abstract heap type `extern`
const REF = 0x64;
const REF_NULL = 0x63;
const CATCH = 0;
const CATCH_REF = 1;
const CATCH_ALL = 2;
const CATCH_ALL_REF = 3;
const BR = 0x0c;
const DROP = 0x1a;
const UNREACHABLE = 0x00;

/** A module this rewrite does not handle (typed references, GC types): not an engine bug. */
export class LegacyEhUnsupported extends Error {}

export interface LegacyEhStats {
  tryTables: number;
  /** catch_ref / catch_all_ref clauses dropped. */
  refClauses: number;
  throwRefs: number;
  /** exnref / exn / noexn type bytes rewritten. */
  exnTypes: number;
}

export interface LegacyEhModules {
  modern: Uint8Array;
  legacy: Uint8Array;
  stats: LegacyEhStats;
}

export function legacyEhModules(bytes: Uint8Array): LegacyEhModules {
  const stats: LegacyEhStats = { tryTables: 0, refClauses: 0, throwRefs: 0, exnTypes: 0 };
  const modern = rewrite(bytes, false, stats);
  return { modern, legacy: rewrite(bytes, true, { tryTables: 0, refClauses: 0, throwRefs: 0, exnTypes: 0 }), stats };
}

/** Reads LEBs and type bytes of `b` from `pos`, rewriting exn types in `b` in place. */
class Cursor {
  constructor(readonly b: Uint8Array, public pos: number, readonly stats: LegacyEhStats) {}
  u32(): number {
    const leb = readLeb(this.b, this.pos);
    if (!leb) throw new Error('legacy-eh: truncated LEB');
    this.pos += leb.length;
    return Number(leb.value);
  }
  skip(n: number): void {
    this.pos += n;
  }
  /** A value type (or heap type, with `heap`), exn types patched to extern. */
  type(heap = false): void {
    const t = this.b[this.pos]!;
    if (t === REF || t === REF_NULL) throw new LegacyEhUnsupported('typed reference type');
    if (t === EXNREF || (heap && t === NOEXN)) {
      this.b[this.pos] = EXTERNREF;
      this.stats.exnTypes++;
    } else if (heap && t < 0x40) throw new LegacyEhUnsupported('concrete heap type');
    this.pos++;
  }
  limits(): void {
    const flags = this.b[this.pos++]!;
    this.u32();
    if (flags & 1) this.u32();
  }
  name(): void {
    this.skip(this.u32());
  }
  /** A constant expression, through its `end`. */
  constExpr(): void {
    const out: number[] = [];
    this.pos = rewriteInstructions(this.b, this.pos, out, false, this.stats, true);
  }
}

function rewrite(input: Uint8Array, toLegacy: boolean, stats: LegacyEhStats): Uint8Array {
  const b = input.slice();
  const parts: Uint8Array[] = [];
  let copied = 0;
  for (const s of splitSections(b)) {
    const c = new Cursor(b, s.payload, stats);
    switch (s.id) {
      case 1: // types
        for (let n = c.u32(); n > 0; n--) {
          if (b[c.pos] !== 0x60) throw new LegacyEhUnsupported(`type form 0x${b[c.pos]!.toString(16)}`);
          c.skip(1);
          for (let k = c.u32(); k > 0; k--) c.type();
          for (let k = c.u32(); k > 0; k--) c.type();
        }
        break;
      case 2: // imports
        for (let n = c.u32(); n > 0; n--) {
          c.name();
          c.name();
          const kind = b[c.pos++]!;
          if (kind === 0) c.u32();
          else if (kind === 1) (c.type(), c.limits());
          else if (kind === 2) c.limits();
          else if (kind === 3) (c.type(), c.skip(1));
          else if (kind === 4) (c.skip(1), c.u32());
          else throw new Error(`legacy-eh: import kind ${kind}`);
        }
        break;
      case 4: // tables
        for (let n = c.u32(); n > 0; n--) {
          const init = b[c.pos] === 0x40;
          if (init) c.skip(2);
          c.type();
          c.limits();
          if (init) c.constExpr();
        }
        break;
      case 6: // globals
        for (let n = c.u32(); n > 0; n--) {
          c.type();
          c.skip(1);
          c.constExpr();
        }
        break;
      case 9: // elements
        for (let n = c.u32(); n > 0; n--) {
          const flags = c.u32();
          if (flags & 2 && !(flags & 1)) c.u32(); // explicit table index (flags 2, 6)
          if (!(flags & 1)) c.constExpr(); // active: offset
          if (flags & 3) {
            if (flags & 4) c.type();
            else c.skip(1); // elemkind
          }
          const count = c.u32();
          for (let k = 0; k < count; k++) {
            if (flags & 4) c.constExpr();
            else c.u32();
          }
        }
        break;
      case 10: { // code: rebuilt, bodies change size
        const bodies: number[][] = [];
        for (let n = c.u32(); n > 0; n--) {
          const size = c.u32();
          const end = c.pos + size;
          const out: number[] = [];
          const localsAt = c.pos;
          for (let k = c.u32(); k > 0; k--) (c.u32(), c.type());
          for (let i = localsAt; i < c.pos; i++) out.push(b[i]!);
          c.pos = rewriteInstructions(b, c.pos, out, toLegacy, stats, false);
          if (c.pos !== end) throw new Error('legacy-eh: body size mismatch');
          bodies.push([...encodeU32(out.length), ...out]);
        }
        parts.push(b.subarray(copied, s.start), sectionBytes(10, [...encodeU32(bodies.length), ...bodies.flat()]));
        copied = s.end;
        break;
      }
      default:
        break;
    }
  }
  parts.push(b.subarray(copied));
  return concat(parts);
}

interface Frame {
  /** Set for a try_table written as a legacy try: its handlers, emitted at its `end`. */
  handlers?: { kind: number; tag: number; label: number }[];
}

/**
 * Copies the instructions at `pos` through the `end` that closes the function (or constant
 * expression) into `out`, rewriting as the file comment says; returns the position after.
 */
function rewriteInstructions(b: Uint8Array, pos: number, out: number[], toLegacy: boolean, stats: LegacyEhStats, constExpr: boolean): number {
  const r = new BinaryReader(b);
  r.features = ALL_FEATURES;
  const c = new Cursor(b, pos, stats);
  const frames: Frame[] = [{}];
  const copy = (from: number) => {
    for (let i = from; i < c.pos; i++) out.push(b[i]!);
  };
  const blockType = () => {
    const t = b[c.pos]!;
    if (t === 0x40) c.skip(1);
    else if (t >= 0x40 && t < 0x80) c.type();
    else c.u32(); // a type index (multivalue): its type was rewritten in the type section
  };
  for (;;) {
    const at = c.pos;
    const op = b[c.pos++]!;
    switch (op) {
      case Op.Block:
      case Op.Loop:
      case Op.If:
      case Op.Try:
        blockType();
        copy(at);
        frames.push({});
        continue;
      case Op.SelectT:
        for (let k = c.u32(); k > 0; k--) c.type();
        copy(at);
        continue;
      case Op.RefNull:
        c.type(true);
        copy(at);
        continue;
      case Op.ThrowRef:
        stats.throwRefs++;
        out.push(DROP, UNREACHABLE);
        continue;
      case Op.TryTable: {
        stats.tryTables++;
        const typeAt = c.pos;
        blockType();
        const type = Array.from(b.subarray(typeAt, c.pos));
        const kept: { kind: number; tag: number; label: number }[] = [];
        for (let k = c.u32(); k > 0; k--) {
          const kind = b[c.pos++]!;
          const tag = kind === CATCH || kind === CATCH_REF ? c.u32() : -1;
          const label = c.u32();
          if (kind === CATCH_REF || kind === CATCH_ALL_REF) stats.refClauses++;
          else kept.push({ kind, tag, label });
        }
        if (!toLegacy) {
          out.push(Op.TryTable, ...type, ...encodeU32(kept.length));
          for (const h of kept) out.push(h.kind, ...(h.kind === CATCH ? encodeU32(h.tag) : []), ...encodeU32(h.label));
          frames.push({});
        } else if (kept.length === 0) {
          out.push(Op.Block, ...type);
          frames.push({});
        } else {
          out.push(Op.Try, ...type);
          frames.push({ handlers: kept });
        }
        continue;
      }
      case Op.Delegate:
        c.u32();
        copy(at);
        frames.pop();
        continue;
      case Op.End: {
        const f = frames.pop()!;
        for (const h of f.handlers ?? []) {
          if (h.kind === CATCH) out.push(Op.Catch, ...encodeU32(h.tag));
          else out.push(Op.CatchAll);
          out.push(BR, ...encodeU32(h.label + 1));
        }
        out.push(Op.End);
        if (frames.length === 0) return c.pos;
        continue;
      }
      default:
        r.pos = c.pos;
        try {
          readImmediates(r, op, at);
        } catch (e) {
          // ref.as_non_null and the like: binaryen emits them without GC; V8 rejects them too.
          if (e instanceof CompileError) throw new LegacyEhUnsupported(`${e.message.replace(/ @\+0x[0-9a-f]+/, '')} (opcode 0x${op.toString(16)})`);
          throw e;
        }
        c.pos = r.pos;
        copy(at);
        if (constExpr && c.pos > b.length) throw new Error('legacy-eh: runaway constant expression');
    }
  }
}
