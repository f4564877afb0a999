// Stack scenarios that return plain data, so the same code runs on the main thread, in
// worker_threads with small stacks and in a child process (see worker-entry.ts,
// child-entry.ts); the tests assert on what they return.
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { DIVE, SHAPES, bigFrame } from './modules.js';
import { KiB, jsRecurse, native, nativeTestImports, watNamed, type Exports } from './support.js';

/** dive() keeps recursing while at least this much stack is left above the limit. */
export const SLACK = 256n;

export type Outcome =
  | { kind: 'value'; value: string }
  | { kind: 'trap'; trap: string; message: string }
  | { kind: 'error'; name: string; message: string; same?: boolean };

export function outcome(f: () => unknown, expectedThrow?: unknown): Outcome {
  try {
    return { kind: 'value', value: String(f()) };
  } catch (e) {
    if (e instanceof RuntimeError) return { kind: 'trap', trap: e.trap, message: e.message };
    const err = e as Error;
    return { kind: 'error', name: err?.name ?? typeof e, message: String(err?.message ?? e), same: e === expectedThrow };
  }
}

export interface DiveHarness {
  ex: Exports;
  /** What the JS import `work` does next (set per call). */
  work: { fn: (n: number) => number };
}

export async function diveInstance(engine: Engine): Promise<DiveHarness> {
  const bytes = await watNamed(DIVE);
  const work = { fn: (n: number) => jsRecurse(n) };
  const imports = {
    native: nativeTestImports() as unknown as Record<string, unknown>,
    js: { work: (n: number) => work.fn(n) },
  };
  const ex = engine.instantiate(engine.compile(bytes), imports).exports as Exports;
  return { ex, work };
}

export interface DeepNativeResult {
  /** Levels dive() reached before less than SLACK bytes were left. */
  depth: number;
  /** rsp - limit at the deepest frame. */
  headroom: number;
  /** Bytes the native import touched below that point. */
  bytes: number;
  checksum: number;
  expected: number;
  /** Depth reported by the run that called the native import (the way back up worked). */
  depthWithNative: number;
}

/** (a): recurse to within SLACK bytes of the limit, then use almost all of the reserve natively. */
export async function deepNative(engine: Engine, margin = 4 * KiB): Promise<DeepNativeResult> {
  const { ex } = await diveInstance(engine);
  const r0 = ex.dive!(SLACK, 0, 0) as bigint;
  const bytes = engine.hostStackReserve - margin;
  const r1 = ex.dive!(SLACK, 1, bytes) as bigint;
  return {
    depth: Number(r0 >> 32n),
    headroom: Number(BigInt.asIntN(32, r0)),
    bytes,
    checksum: Number(r1 & 0xffffffffn),
    expected: native.testUseStack(bytes),
    depthWithNative: Number(r1 >> 32n),
  };
}

export interface DeepJsResult {
  depth: number;
  /** The modest JS recursion at the bottom: its value, or what it threw. */
  result: Outcome;
  /** A JS import that throws at the bottom: the same object must reach us. */
  thrown: Outcome;
  /** A JS import at the bottom that calls a runaway wasm export and catches its trap. */
  caught: { outcome: Outcome; innerTrap: string; innerMessage: string };
  /** A normal call afterwards. */
  after: Outcome;
}

/** (b) and issue item 2, at the deepest wasm point. */
export async function deepJs(engine: Engine, jsDepth = 1000): Promise<DeepJsResult> {
  const h = await diveInstance(engine);
  const { ex } = h;
  h.work.fn = (n) => jsRecurse(n);
  const result = outcome(() => ex.dive!(SLACK, 2, jsDepth));
  const tag = new Error('thrown by the import');
  h.work.fn = () => {
    throw tag;
  };
  const thrown = outcome(() => ex.dive!(SLACK, 2, 0), tag);
  let innerTrap = '';
  let innerMessage = '';
  h.work.fn = () => {
    try {
      ex.runaway!(0);
      return -1;
    } catch (e) {
      if (!(e instanceof RuntimeError)) throw e;
      innerTrap = e.trap;
      innerMessage = e.message;
      return 7;
    }
  };
  const caught = outcome(() => ex.dive!(SLACK, 2, 0));
  h.work.fn = (n) => n;
  const after = outcome(() => ex.dive!(SLACK, 2, 5));
  const r0 = ex.dive!(SLACK, 0, 0) as bigint;
  return { depth: Number(r0 >> 32n), result, thrown, caught: { outcome: caught, innerTrap, innerMessage }, after };
}

export interface StormResult {
  traps: number;
  firstMessage: string;
  firstStack: string;
  down: Outcome;
  seconds: number;
}

/** (c): `n` stack-overflow traps in a row, then a normal call. */
export async function overflowStorm(engine: Engine, n: number): Promise<StormResult> {
  const ex = engine.instantiate(engine.compile(await watNamed(SHAPES))).exports as Exports;
  let traps = 0;
  let firstMessage = '';
  let firstStack = '';
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    try {
      ex.forever!(i);
    } catch (e) {
      if (e instanceof RuntimeError && e.trap === 'stack_overflow') {
        if (traps === 0) [firstMessage, firstStack] = [e.message, String(e.stack)];
        traps++;
      }
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { traps, firstMessage, firstStack, down: outcome(() => ex.down!(1000)), seconds };
}

export interface BigFrameResult {
  frameBytes: number;
  /** big(0), big(1), big(2): one, two, three frames. */
  levels: Outcome[];
}

/** (d): a frame larger than the host reserve, at 1-3 levels. */
export async function bigFrames(engine: Engine, locals = 40_000): Promise<BigFrameResult> {
  const ex = engine.instantiate(engine.compile(await watNamed(bigFrame(locals)))).exports as Exports;
  return { frameBytes: locals * 8, levels: [0, 1, 2].map((n) => outcome(() => ex.big!(n))) };
}

export interface PressureResult {
  /** How the dives ended, by error name (or 'value'). */
  ends: Record<string, number>;
}

/**
 * `n` dives to the limit that each call a JS import there, keeping garbage alive so that the
 * heap grows and garbage collections run in the middle of some of those calls (the import
 * runs on the thread's stack while its wasm waits, suspended, at the wasm stack's limit).
 */
export async function importsUnderPressure(engine: Engine, n: number): Promise<PressureResult> {
  const { ex, work } = await diveInstance(engine);
  work.fn = (x) => x;
  const kept: unknown[] = [];
  const ends: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    let end = 'value';
    try {
      ex.dive!(SLACK, 2, 5);
    } catch (e) {
      end = (e as Error)?.name ?? typeof e;
    }
    kept.push(new Array(50).fill(i));
    ends[end] = (ends[end] ?? 0) + 1;
  }
  return { ends };
}

export interface ThreadReport {
  stack: { low: number; high: number; sp: number };
  wasmStack: { low: number; high: number };
  signalHandlerInstalled: boolean;
  /** native.signalCount() before and after the scenarios (process-wide, so compare them). */
  signalCountBefore: number;
  signalCount: number;
  native?: DeepNativeResult | { error: string };
  js?: DeepJsResult | { error: string };
  storm?: StormResult | { error: string };
  big?: BigFrameResult | { error: string };
  pressure?: PressureResult | { error: string };
  /** down(100): a small call, which traps only when the thread has no room at all. */
  small: Outcome;
}

export interface RunOptions {
  maxWasmStack?: number;
  hostStackReserve?: number;
  /** How many overflow traps the storm scenario takes. */
  storm?: number;
  /** How many dives importsUnderPressure makes (not run if absent). */
  pressure?: number;
  /**
   * Pin this thread's wasm stack to this many bytes first (native.testPinWasmStack), so that
   * a maxWasmStack larger than it puts the limit at its bottom, low + hostStackReserve.
   */
  wasmStack?: number;
}

/** Everything above, on the current thread, for worker / child-process runs. */
export async function runAll(options: RunOptions = {}): Promise<ThreadReport> {
  if (options.wasmStack !== undefined) native.testPinWasmStack(options.wasmStack);
  const engine = new Engine({ maxWasmStack: options.maxWasmStack, hostStackReserve: options.hostStackReserve });
  const guard = async <T>(f: () => Promise<T>): Promise<T | { error: string }> => {
    try {
      return await f();
    } catch (e) {
      return { error: String((e as Error)?.stack ?? e) };
    }
  };
  const shapes = engine.instantiate(engine.compile(await watNamed(SHAPES))).exports as Exports;
  const report: ThreadReport = {
    stack: native.stackInfo(),
    wasmStack: native.wasmStackInfo(),
    signalHandlerInstalled: native.signalHandlerInstalled(),
    signalCountBefore: native.signalCount(),
    signalCount: native.signalCount(),
    small: outcome(() => shapes.down!(100)),
  };
  // With no room at all every call traps at once; the deeper scenarios then make no sense.
  if (report.small.kind === 'value') {
    report.native = await guard(() => deepNative(engine));
    report.js = await guard(() => deepJs(engine));
    report.storm = await guard(() => overflowStorm(engine, options.storm ?? 1000));
    report.big = await guard(() => bigFrames(engine));
    const pressure = options.pressure;
    if (pressure !== undefined) report.pressure = await guard(() => importsUnderPressure(engine, pressure));
  }
  report.signalCount = native.signalCount();
  return report;
}
