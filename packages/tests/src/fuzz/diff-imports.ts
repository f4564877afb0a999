// The imports binaryen's translate-to-fuzz modules expect ("fuzzing-support": logging,
// throwing, table access, calling exports back), written for this fuzzer: behaviour is the
// same JS for both engines and every call is recorded in a log that is compared too, so
// re-entrancy (wasm → JS → wasm) is part of what is tested. Any other import gets a plain
// value of its declared type.
import { ValType, type WasmModule } from '@wasmjit/codegen';
import { FuzzJsError, type DiffEngine } from './diff-engines.js';

const TYPE_NAMES: Partial<Record<ValType, string>> = {
  [ValType.I32]: 'i32', [ValType.I64]: 'i64', [ValType.F32]: 'f32', [ValType.F64]: 'f64',
  [ValType.FuncRef]: 'anyfunc', [ValType.ExternRef]: 'externref',
};

/** How a JS value shows in the log: exact for numbers, a kind for references. */
export function logText(x: unknown, numImportedFuncs = 0): string {
  if (typeof x === 'number') return Object.is(x, -0) ? '-0' : String(x);
  if (typeof x === 'bigint') return `${x}n`;
  if (x === null) return 'null';
  if (typeof x === 'string') return `s:${x}`;
  if (typeof x === 'function') return `func:${funcId(x, numImportedFuncs)}`;
  return typeof x;
}

/**
 * Which function a funcref is: V8 and wasmjit name a wasm function by its index ("3").
 * An imported JS function is the original function in V8 but a wrapper named by its import
 * index in wasmjit, so both are just "import".
 */
export function funcId(f: Function, numImportedFuncs: number): string {
  const n = f.name;
  return /^\d+$/.test(n) && Number(n) >= numImportedFuncs ? n : 'import';
}

export function zeroArg(t: ValType): unknown {
  return t === ValType.I64 ? 0n : t === ValType.FuncRef || t === ValType.ExternRef ? null : 0;
}

export interface ImportContext {
  engine: DiffEngine;
  module: WasmModule;
  log: string[];
  /** The fuzzed module's exports, once instantiated (call-export needs them). */
  exports: () => Record<string, unknown> | undefined;
  /** Tags the fuzzer can name: the imported ones are added here by fuzzImports. */
  tags: KnownTag[];
}

/** A tag whose exceptions can be told apart and read: imported, or exported by augment.ts. */
export interface KnownTag {
  name: string;
  tag: unknown;
  params: ValType[];
}

/**
 * What a thrown value is, in words both engines produce alike: for a wasm exception its tag
 * (by name) and payload (as logText shows it), else DiffEngine.classify's outcome.
 */
export function describeThrown(engine: DiffEngine, e: unknown, tags: KnownTag[], numImportedFuncs: number): string {
  if (!engine.isException(e)) return engine.classify(e);
  const known = tags.find((t) => e.is(t.tag));
  if (!known) return 'exception:unknown tag';
  // Node 20's V8 (11.3) cannot read every payload: getArg of a v128, or of any value after
  // one (it walks the earlier values to find the offset), hits a fatal 'unreachable code'
  // instead of the JS API's TypeError; and a funcref comes back as an internal object (its
  // null reports typeof 'symbol', a function is not callable). Those are shown by type only.
  const firstV128 = known.params.indexOf(ValType.V128);
  const args = known.params.map((t, i) => {
    if (firstV128 >= 0 && i >= firstV128) return t === ValType.V128 ? 'v128' : 'unread';
    if (t === ValType.FuncRef) return 'funcref';
    return logText(e.getArg(known.tag, i), numImportedFuncs);
  });
  return `exception:${known.name}(${args.join(', ')})`;
}

const MAX_LOG = 10_000;

export function fuzzImports(ctx: ImportContext): Record<string, Record<string, unknown>> {
  const { engine, module: m, log } = ctx;
  const text = (x: unknown) => logText(x, m.numImportedFuncs);
  const record = (s: string) => {
    if (log.length < MAX_LOG) log.push(s);
  };
  const exportList = () => {
    const ex = ctx.exports();
    if (!ex) throw new FuzzJsError('exports used before instantiation finished');
    return m.exports.map((e) => ({ e, value: ex[e.name] }));
  };
  // Like calling an export from JS with default arguments: zeros of each parameter type.
  const callFunc = (f: unknown, index?: number) => {
    if (typeof f !== 'function') throw new FuzzJsError('not a function');
    let params: ValType[] = [];
    if (index !== undefined) {
      const e = m.exports[index]!;
      params = m.types[m.funcs[e.index]!]!.params;
    } else {
      params = Array.from({ length: (f as Function).length }, () => ValType.I32);
    }
    return (f as (...a: unknown[]) => unknown)(...params.map(zeroArg));
  };
  // Returns 1 if the callee threw a JS exception; traps and stack exhaustion propagate.
  const tryCall = (thunk: () => unknown, rethrow = false): number => {
    try {
      thunk();
      return 0;
    } catch (e) {
      const kind = describeThrown(engine, e, ctx.tags, m.numImportedFuncs);
      // The trap's kind is engine vocabulary here; it is compared where the trap surfaces.
      record(`caught ${kind.startsWith('trap:') ? 'trap' : kind}`);
      if (rethrow || kind.startsWith('trap:') || kind === 'exhausted') throw e;
      return 1;
    }
  };
  const table = () => {
    const t = ctx.exports()?.['table'] as { get(i: number): unknown; set(i: number, v: unknown): void } | undefined;
    if (!t || typeof t.get !== 'function') throw new FuzzJsError('no exported table');
    return t;
  };
  const support: Record<string, (...a: any[]) => unknown> = {
    'log-i32': (x: number) => record(`log-i32 ${text(x)}`),
    'log-i64': (x: bigint) => record(`log-i64 ${text(x)}`),
    'log-f32': (x: number) => record(`log-f32 ${text(x)}`),
    'log-f64': (x: number) => record(`log-f64 ${text(x)}`),
    'log-branch': (id: number, expected: number, actual: number) => record(`log-branch ${id} ${expected} ${actual}`),
    // Like binaryen's own fuzz shell: 0 throws from JS, anything else a wasm exception of
    // the imported 'wasmtag' (when the module imports one).
    throw: (which?: number) => {
      record(`throw ${which ?? ''}`);
      const wasmTag = ctx.tags.find((t) => t.name === 'wasmtag');
      if (which && wasmTag) throw engine.newException(wasmTag.tag, [which]);
      throw new FuzzJsError(`js exception ${which ?? ''}`);
    },
    'table-get': (i: number) => {
      const v = table().get(i >>> 0);
      record(`table-get ${i >>> 0} ${text(v)}`);
      return v;
    },
    'table-set': (i: number, v: unknown) => {
      record(`table-set ${i >>> 0} ${text(v)}`);
      table().set(i >>> 0, v);
    },
    'call-export': (index: number, flags?: number) => {
      record(`call-export ${index} ${flags ?? ''}`);
      const entry = exportList()[index];
      if (!entry) throw new FuzzJsError(`no export ${index}`);
      if ((flags ?? 0) & 1) tryCall(() => callFunc(entry.value, index), true);
      else callFunc(entry.value, index);
    },
    'call-export-catch': (index: number) => {
      record(`call-export-catch ${index}`);
      const entry = exportList()[index];
      return tryCall(() => {
        if (!entry) throw new FuzzJsError(`no export ${index}`);
        return callFunc(entry.value, index);
      });
    },
    'call-ref': (ref: unknown, flags?: number) => {
      record(`call-ref ${text(ref)} ${flags ?? ''}`);
      if ((flags ?? 0) & 1) tryCall(() => callFunc(ref), true);
      else callFunc(ref);
    },
    'call-ref-catch': (ref: unknown) => {
      record(`call-ref-catch ${text(ref)}`);
      return tryCall(() => callFunc(ref));
    },
    sleep: (_ms: number, id: number) => {
      record(`sleep ${id}`);
      return id;
    },
  };

  const imports: Record<string, Record<string, unknown>> = {};
  for (const imp of m.imports) {
    const ns = (imports[imp.module] ??= {});
    const d = imp.desc;
    if (d.kind === 'func') {
      const known = imp.module === 'fuzzing-support' ? support[imp.name] : undefined;
      if (known) ns[imp.name] = known;
      else {
        const results = m.types[d.typeIndex]!.results;
        const label = `${imp.module}.${imp.name}`;
        ns[imp.name] = (...args: unknown[]) => {
          record(`${label}(${args.map(text).join(', ')})`);
          const zeros = results.map(zeroArg);
          return zeros.length > 1 ? zeros : zeros[0];
        };
      }
    } else if (d.kind === 'global') {
      const t = d.type.type;
      // Extern references get a recognisable string; numbers a fixed non-zero value.
      const value = t === ValType.ExternRef ? `extern:${imp.name}` : t === ValType.FuncRef ? null : t === ValType.I64 ? 7n : 7;
      ns[imp.name] = engine.newGlobal(TYPE_NAMES[t]!, d.type.mutable, value);
    } else if (d.kind === 'memory') {
      ns[imp.name] = engine.newMemory(d.type.min, d.type.max);
    } else if (d.kind === 'table') {
      ns[imp.name] = engine.newTable(d.type.elemType === ValType.ExternRef ? 'externref' : 'anyfunc', d.type.limits.min, d.type.limits.max);
    } else if (d.kind === 'tag') {
      // binaryen imports 'wasmtag' (i32) and 'jstag' (meant to be WebAssembly.JSTag, which
      // Node 20's V8 lacks): each engine gets a fresh tag of the declared type.
      const params = m.types[d.typeIndex]!.params;
      const tag = engine.newTag(params.map((t) => TYPE_NAMES[t] ?? 'v128'));
      ns[imp.name] = tag;
      ctx.tags.push({ name: `${imp.module}.${imp.name}`.replace(/^fuzzing-support\./, ''), tag, params });
    }
  }
  return imports;
}
