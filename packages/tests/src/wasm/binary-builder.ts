// A tiny assembler for hand-made module binaries. wabt refuses to encode invalid modules,
// and malformed ones cannot be written in the text format at all, so decoder and validator
// tests spell out their bytes with these helpers.

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export const FUNCREF = 0x70;
export const EXTERNREF = 0x6f;
export const EMPTY = 0x40;

export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function u32(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n % 128;
    n = Math.floor(n / 128);
    if (n === 0) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export function s32(n: number): number[] {
  return s64(BigInt(n));
}

export function s64(n: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...u32(bytes.length), ...bytes];
}

export function vec(items: number[][]): number[] {
  return [...u32(items.length), ...items.flat()];
}

export function section(id: number, content: number[]): number[] {
  return [id, ...u32(content.length), ...content];
}

export function moduleBytes(...sections: number[][]): Uint8Array {
  return new Uint8Array([...HEADER, ...sections.flat()]);
}

export function funcType(params: number[], results: number[]): number[] {
  return [0x60, ...vec(params.map((t) => [t])), ...vec(results.map((t) => [t]))];
}

/** A code-section entry: size, local declarations, then the instructions (add the final 0x0b yourself). */
export function codeEntry(locals: [count: number, type: number][], code: number[]): number[] {
  const body = [...vec(locals.map(([n, t]) => [...u32(n), t])), ...code];
  return [...u32(body.length), ...body];
}

export interface FuncSpec {
  params?: number[];
  results?: number[];
  locals?: [number, number][];
  /** Instructions including the final `end`. */
  code: number[];
}

/** Builds modules section by section; each add* returns the new item's index. */
export class ModuleBuilder {
  private types: number[][] = [];
  private imports: number[][] = [];
  private funcTypes: number[] = [];
  private codes: number[][] = [];
  private tables: number[][] = [];
  private memories: number[][] = [];
  private globals: number[][] = [];
  private exports: number[][] = [];
  private elems: number[][] = [];
  private datas: number[][] = [];
  private numImportedFuncs = 0;
  private numImportedGlobals = 0;
  startFunc: number | undefined;
  dataCount: number | undefined;

  type(params: number[], results: number[]): number {
    const encoded = funcType(params, results);
    const found = this.types.findIndex((t) => t.length === encoded.length && t.every((b, i) => b === encoded[i]));
    if (found >= 0) return found;
    this.types.push(encoded);
    return this.types.length - 1;
  }

  importFunc(params: number[], results: number[], module = 'm', field = 'f'): number {
    this.imports.push([...name(module), ...name(field), 0x00, ...u32(this.type(params, results))]);
    return this.numImportedFuncs++;
  }

  importGlobal(type: number, mutable: boolean, module = 'm', field = 'g'): number {
    this.imports.push([...name(module), ...name(field), 0x03, type, mutable ? 1 : 0]);
    return this.numImportedGlobals++;
  }

  importMemory(min: number, max?: number): void {
    this.imports.push([...name('m'), ...name('mem'), 0x02, ...limits(min, max)]);
  }

  importTable(elemType: number, min: number, max?: number): void {
    this.imports.push([...name('m'), ...name('tab'), 0x01, elemType, ...limits(min, max)]);
  }

  func(spec: FuncSpec): number {
    this.funcTypes.push(this.type(spec.params ?? [], spec.results ?? []));
    this.codes.push(codeEntry(spec.locals ?? [], spec.code));
    return this.numImportedFuncs + this.funcTypes.length - 1;
  }

  /** A function whose type index is given raw (possibly out of range). */
  funcWithTypeIndex(typeIndex: number, code: number[]): void {
    this.funcTypes.push(typeIndex);
    this.codes.push(codeEntry([], code));
  }

  table(elemType: number, min: number, max?: number): this {
    this.tables.push([elemType, ...limits(min, max)]);
    return this;
  }

  memory(min: number, max?: number): this {
    this.memories.push(limits(min, max));
    return this;
  }

  /** init: constant-expression instructions including the final 0x0b. */
  global(type: number, mutable: boolean, init: number[]): number {
    this.globals.push([type, mutable ? 1 : 0, ...init]);
    return this.numImportedGlobals + this.globals.length - 1;
  }

  export(field: string, kind: number, index: number): this {
    this.exports.push([...name(field), kind, ...u32(index)]);
    return this;
  }

  /** Raw element segment bytes (flags onwards). */
  elem(bytes: number[]): this {
    this.elems.push(bytes);
    return this;
  }

  /** Raw data segment bytes (flags onwards). */
  data(bytes: number[]): this {
    this.datas.push(bytes);
    return this;
  }

  build(): Uint8Array {
    const s: number[][] = [];
    const add = (id: number, items: number[][]) => {
      if (items.length) s.push(section(id, vec(items)));
    };
    add(1, this.types);
    add(2, this.imports);
    add(3, this.funcTypes.map((t) => u32(t)));
    add(4, this.tables);
    add(5, this.memories);
    add(6, this.globals);
    add(7, this.exports);
    if (this.startFunc !== undefined) s.push(section(8, u32(this.startFunc)));
    add(9, this.elems);
    if (this.dataCount !== undefined) s.push(section(12, u32(this.dataCount)));
    add(10, this.codes);
    add(11, this.datas);
    return moduleBytes(...s);
  }
}

export function limits(min: number, max?: number): number[] {
  return max === undefined ? [0x00, ...u32(min)] : [0x01, ...u32(min), ...u32(max)];
}

/** A module with one function (type [params] -> [results]) and optionally a memory and a funcref table. */
export function funcModule(code: number[], opts: Omit<FuncSpec, 'code'> & { memory?: boolean; table?: boolean } = {}): Uint8Array {
  const b = new ModuleBuilder();
  if (opts.memory) b.memory(1);
  if (opts.table) b.table(FUNCREF, 1);
  b.func({ ...opts, code });
  return b.build();
}
