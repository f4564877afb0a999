// What the module being parsed knows about itself while its fields are encoded: the index
// spaces with their $names, the type list (explicit definitions first, then the implicit ones
// type uses add), and the index types of memories and tables (memory64 offsets are u64).

import { errorAt } from './errors.js';
import type { Token } from './lexer.js';
import { NameSpace } from './names.js';
import { Cursor, type SList } from './sexpr.js';
import { parseParamsResults, sigKey, type FuncSig, type Param, type ValType } from './types.js';

export interface TypeDef {
  /** Binary encoding of the definition (0x60 functype, or a GC composite type). */
  bytes: number[];
  /** Present for function types: what type uses and block types compare against. */
  sig?: FuncSig;
  key?: string;
}

export interface TypeUse {
  index: number;
  /** The parameters with their names, for the function's local name space. */
  params: Param[];
  sig: FuncSig;
}

export class ModuleContext {
  readonly types = new NameSpace('type');
  readonly funcs = new NameSpace('func');
  readonly tables = new NameSpace('table');
  readonly memories = new NameSpace('memory');
  readonly globals = new NameSpace('global');
  readonly elems = new NameSpace('elem');
  readonly datas = new NameSpace('data');
  readonly tags = new NameSpace('tag');

  /** Every type definition, in index order; implicit ones are appended as they are met. */
  readonly typeDefs: TypeDef[] = [];
  /** First type index of each function signature key, for `typeFor`; `keyed` defs indexed so far. */
  private readonly byKey = new Map<string, number>();
  private keyed = 0;
  /** Type section entries: a subtype, or a whole rec group. */
  readonly typeSection: number[][] = [];
  /** Field names of struct types, by type index. */
  readonly fieldNames: NameSpace[] = [];
  readonly memory64: boolean[] = [];
  /** By type index: a function type's params as unnamed Params, made on the first `(type x)` use. */
  private readonly unnamedParams: (Param[] | undefined)[] = [];
  readonly table64: boolean[] = [];
  /** Sizes and offsets of 32-bit memories/tables read as u64 (Wasm 3.0), else as u32 (2.0). */
  wideLimits = true;
  /**
   * Wasm 3.0: an element segment in the function-index encoding has type (ref func), so a
   * segment written as `funcref (ref.func x)*` keeps the expression encoding to stay funcref
   * (a table of non-null references must refuse it), as the reference interpreter writes it.
   * In 2.0 both encodings mean funcref, and the shorter index one (wabt's choice) is written.
   */
  indexElemsAreRefFunc = true;
  /** Set when a memory.init or data.drop is encoded (then a data count section is needed). */
  usesDataCount = false;

  /** Function type with this signature: the first matching one, or a new implicit one. */
  typeFor(sig: FuncSig): number {
    const key = sigKey(sig);
    // Index the definitions added since the last lookup; the first with a key wins.
    for (; this.keyed < this.typeDefs.length; this.keyed++) {
      const k = this.typeDefs[this.keyed]!.key;
      if (k !== undefined && !this.byKey.has(k)) this.byKey.set(k, this.keyed);
    }
    const found = this.byKey.get(key);
    if (found !== undefined) return found;
    const bytes = funcTypeBytes(sig);
    this.typeDefs.push({ bytes, sig, key });
    this.typeSection.push(bytes);
    this.types.count = Math.max(this.types.count, this.typeDefs.length);
    return this.typeDefs.length - 1;
  }

  /**
   * `(type x)? (param ...)* (result ...)*` at the cursor. With both an index and inline
   * params/results, they must agree with the type ("inline function type").
   */
  typeUse(c: Cursor, namedParams: boolean): TypeUse {
    let index: number | undefined;
    let at: Token | SList | undefined;
    if (c.peekList('type')) {
      const node = c.take() as SList;
      const tc = new Cursor(node);
      at = node;
      index = this.types.take(tc);
      tc.expectEnd();
    }
    const { params, results } = parseParamsResults(c, this.types, namedParams);
    const paramTypes: ValType[] = [];
    for (let i = 0; i < params.length; i++) paramTypes.push(params[i]!.type);
    const inline: FuncSig = { params: paramTypes, results };
    if (index === undefined) return { index: this.typeFor(inline), params, sig: inline };
    const def = this.typeDefs[index];
    if (def === undefined && (params.length > 0 || results.length > 0)) {
      // An inline signature must be checked against the type, which has to exist for that.
      throw errorAt(at!, `unknown type ${index}`);
    }
    if (def === undefined || def.sig === undefined) {
      // Out of range or not a function type: that is for the validator to reject, so the
      // index is encoded as written.
      return { index, params, sig: inline };
    }
    if (params.length > 0 || results.length > 0) {
      if (sigKey(inline) !== def.key) throw errorAt(at!, 'inline function type does not match the type definition');
      return { index, params, sig: def.sig };
    }
    let unnamed = this.unnamedParams[index];
    if (unnamed === undefined) {
      unnamed = [];
      for (let i = 0; i < def.sig.params.length; i++) unnamed.push({ id: undefined, type: def.sig.params[i]! });
      this.unnamedParams[index] = unnamed;
    }
    return { index, params: unnamed, sig: def.sig };
  }
}

/** A function type's encoding: 0x60, then the params and results as vec(valtype). */
export function funcTypeBytes(sig: FuncSig): number[] {
  const bytes = [0x60];
  pushVec(bytes, sig.params);
  pushVec(bytes, sig.results);
  return bytes;
}

/** Append vec(t) of value types' encodings (no spread or intermediate arrays). */
function pushVec(out: number[], types: readonly ValType[]): void {
  let n = types.length;
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  for (let i = 0; i < types.length; i++) {
    const bytes = types[i]!.bytes;
    for (let j = 0; j < bytes.length; j++) out.push(bytes[j]!);
  }
}

export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

export function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}
