// Runs one fuzzed module in one engine and records everything observable: the outcome of
// instantiation and of each export call (results as exact bits, or the kind of trap or
// exception), the log of import calls, and the final memory, globals and tables.
import { ValType, type WasmModule } from '@wasmjit/codegen';
import { MEMORY_EXPORT, tableExport, tagExport } from './augment.js';
import type { DiffEngine } from './diff-engines.js';
import { describeThrown, fuzzImports, logText, type KnownTag } from './diff-imports.js';
import { HARNESS_MODULE, bitsType, callExport, globalGetter, globalTypes, harnessFuncs } from './harness.js';

/** A value as observed: its wasm type and exact bits (numbers) or kind (references). */
export interface ObservedValue {
  type: ValType;
  text: string;
}

export interface ObservedCall {
  name: string;
  /** 'ok' or a DiffEngine.classify() outcome. */
  outcome: string;
  values?: ObservedValue[];
}

export interface Observation {
  engine: string;
  /** 'ok', 'compile:<class>' or a classify() outcome of instantiation (the start function). */
  instantiate: string;
  calls: ObservedCall[];
  log: string[];
  memory?: Uint8Array;
  globals: ObservedValue[];
  tables: string[];
  /** A stack overflow happened somewhere: a host limit, so the run is not compared. */
  exhausted: boolean;
}

export interface PlannedCall {
  /** Index among the fuzzed module's function exports (harness call<j>). */
  j: number;
  /** Arguments in harness form: floats as integer bits. */
  args: unknown[];
}

function observeValue(t: ValType, x: unknown, numImported: number): ObservedValue {
  switch (bitsType(t)) {
    case ValType.I32: return { type: t, text: String((x as number) >>> 0) };
    case ValType.I64: return { type: t, text: String(BigInt.asUintN(64, x as bigint)) };
    default: return { type: t, text: logText(x, numImported) };
  }
}

function observeResults(original: ValType[], r: unknown, numImported: number): ObservedValue[] {
  // What crossed: a v128 as two i64 halves (harness.ts).
  const types = original.flatMap((t) => (t === ValType.V128 ? [ValType.I64, ValType.I64] : [t]));
  if (types.length === 0) return [];
  if (types.length === 1) return [observeValue(types[0]!, r, numImported)];
  const arr = Array.from(r as Iterable<unknown>);
  return types.map((t, i) => observeValue(t, arr[i], numImported));
}

export function observe(engine: DiffEngine, bytes: Uint8Array, harness: Uint8Array, m: WasmModule, plan: PlannedCall[]): Observation {
  const obs: Observation = { engine: engine.name, instantiate: 'ok', calls: [], log: [], globals: [], tables: [], exhausted: false };
  let moduleA: unknown;
  try {
    moduleA = engine.compile(bytes);
  } catch (e) {
    obs.instantiate = `compile:${e instanceof Error ? e.name : typeof e}: ${(e as Error)?.message}`;
    return obs;
  }
  let exportsA: Record<string, unknown> | undefined;
  const tags: KnownTag[] = [];
  const describe = (e: unknown) => describeThrown(engine, e, tags, m.numImportedFuncs);
  try {
    exportsA = engine.instantiate(moduleA, fuzzImports({ engine, module: m, log: obs.log, exports: () => exportsA, tags }));
  } catch (e) {
    obs.instantiate = describe(e);
    obs.exhausted = obs.instantiate === 'exhausted';
    return obs;
  }
  // The module's own tags (augment.ts exports them all), after the imported ones.
  m.tags.forEach((typeIndex, i) => tags.push({ name: `tag${i}`, tag: exportsA![tagExport(i)], params: m.types[typeIndex]!.params }));
  const b = engine.instantiate(engine.compile(harness), { [HARNESS_MODULE]: exportsA });
  const funcs = harnessFuncs(m);
  for (const p of plan) {
    const f = funcs[p.j]!;
    obs.log.push(`call ${f.name}`);
    const call: ObservedCall = { name: f.name, outcome: 'ok' };
    try {
      const r = (b[callExport(p.j)] as (...a: unknown[]) => unknown)(...p.args);
      call.values = observeResults(f.type.results, r, m.numImportedFuncs);
    } catch (e) {
      call.outcome = describe(e);
    }
    obs.calls.push(call);
    if (call.outcome === 'exhausted') {
      obs.exhausted = true;
      return obs;
    }
  }
  const mem = exportsA[MEMORY_EXPORT] as { buffer: ArrayBuffer } | undefined;
  if (mem) obs.memory = new Uint8Array(mem.buffer).slice();
  globalTypes(m).forEach((g, i) => {
    obs.globals.push(...observeResults([g.type], (b[globalGetter(i)] as () => unknown)(), m.numImportedFuncs));
  });
  for (let i = 0; i < m.tables.length; i++) {
    const t = exportsA[tableExport(i)] as { length: number; get(i: number): unknown };
    const items: string[] = [];
    for (let k = 0; k < Math.min(t.length, 1000); k++) items.push(logText(t.get(k), m.numImportedFuncs));
    obs.tables.push(`length ${t.length}: ${items.join(' ')}`);
  }
  return obs;
}
