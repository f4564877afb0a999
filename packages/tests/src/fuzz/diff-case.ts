// One differential case: a module from translate-to-fuzz (or given bytes), run in V8 and in
// wasmjit in both bounds-check modes, every function export called once in order with the
// same arguments, the observations compared against V8's.
import { ValType, decodeModule } from '@wasmjit/codegen';
import { Rng } from './rng.js';
import { TTF_EH, TTF_SIMD, TTF_THREADS, TTF_WASM3, denanModule, ttfModule } from './ttf.js';
import { LegacyEhUnsupported, legacyEhModules, type LegacyEhStats } from './legacy-eh.js';
import { unshareMemories } from './unshare-memory.js';
import { exportEverything } from './augment.js';
import { buildHarness, harnessFuncs } from './harness.js';
import { observe, type Observation, type PlannedCall } from './diff-observe.js';
import { compareObservations } from './diff-compare.js';
import { v8Engine, wasmjitEngine } from './diff-engines.js';

export interface DiffJob {
  seed: number;
  index: number;
  /** Run these bytes instead of generating (reproduction, reduction). */
  bytes?: Uint8Array;
  /** Which wasmjit modes to compare (default both). */
  modes?: ('explicit' | 'guard')[];
  /** What the generated modules may use (default 'simd'). */
  features?: DiffFeatures;
}

/**
 * 'simd': Wasm 2.0 with SIMD. 'threads': that plus the threads proposal's atomics, the
 * memory made unshared (unshare-memory.ts) so that both engines run it. 'wasm3': SIMD plus
 * tail calls and extended constants (V8 runs with --experimental-wasm-extended-const).
 * 'eh': 'wasm3' plus exception handling; the module binaryen makes is split by legacy-eh.ts
 * into a legacy-encoding module (V8 and wasmjit run it) and the same with try_table
 * (wasmjit runs it and must agree with V8 on the legacy one).
 */
export type DiffFeatures = 'simd' | 'threads' | 'wasm3' | 'eh';

export type DiffResult =
  | {
    status: 'match'; exports: number; calls: number; traps: number; nanPayloadDiffs: number; bytesLength: number;
    /** Calls that ended in a wasm exception reaching JS; exceptions the fuzz imports caught. */
    exceptions: number; caughtInJs: number;
    /** try_tables in the module (the 'eh' features), i.e. in the legacy and try_table runs. */
    tryTables: number;
  }
  | { status: 'inconclusive'; why: string }
  | { status: 'mismatch'; differences: string[]; bytes: Uint8Array }
  | { status: 'error'; error: string; bytes?: Uint8Array };

const I32_ARGS = [0, 1, -1, 2, 0x7fffffff, -0x80000000, 0xff, 0x10000, 0xffff, 8, 65535, 65536, 1 << 24];
const I64_ARGS = [0n, 1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0xffffffffn, 0x100000000n, 0x80000000n];
const F32_BITS = [0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00000, 0x7fc12345, 1, 0x7f7fffff, 0x4f000000, 0xcf000000, 0x5f000000];
const F64_BITS = [0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff0000000000001n, 0x7ff4000000000000n, 0x7ff8000012345678n, 1n, 0x41e0000000000000n, 0xc1e0000000000000n, 0x43e0000000000000n, 0xc3e0000000000000n];

/** Arguments in harness form (floats as integer bits), mostly edge values. */
function argFor(t: ValType, rng: Rng): unknown {
  const random = rng.oneIn(3);
  switch (t) {
    case ValType.I32: return random ? rng.u32() | 0 : rng.pick(I32_ARGS);
    case ValType.I64: return random ? BigInt.asIntN(64, rng.u64()) : rng.pick(I64_ARGS);
    case ValType.F32: return (random ? rng.u32() : rng.pick(F32_BITS)) | 0;
    case ValType.F64: return BigInt.asIntN(64, random ? rng.u64() : rng.pick(F64_BITS));
    default: return null;
  }
}

export async function generateDiffModule(seed: number, index: number, features: DiffFeatures = 'simd'): Promise<Uint8Array> {
  const rng = new Rng(seed, index, 0xd1ff);
  const entropy = rng.bytes(rng.range(200, 12_000));
  if (features === 'threads') return unshareMemories(await ttfModule(entropy, [...TTF_SIMD, ...TTF_THREADS]));
  if (features === 'wasm3') return ttfModule(entropy, [...TTF_SIMD, ...TTF_WASM3]);
  if (features === 'eh') return ttfModule(entropy, [...TTF_SIMD, ...TTF_WASM3, ...TTF_EH]);
  return ttfModule(entropy, TTF_SIMD);
}

interface Compared {
  differences: string[];
  exhausted: boolean;
  nanPayloadDiffs: number;
  v8?: Observation;
  inconclusive?: string;
}

/**
 * Runs `bytes` in V8 and in each wasmjit mode and compares. With `modern` (the 'eh'
 * features: legacy-eh.ts), wasmjit also runs that module, which differs from `bytes` only in
 * encoding its try_tables as such, and must agree with V8's run of `bytes` too.
 */
function compareEngines(bytes: Uint8Array, job: DiffJob, phase: (p: string) => void, modern?: Uint8Array): Compared {
  let full: Uint8Array;
  let fullModern: Uint8Array | undefined;
  let harness: Uint8Array;
  let m;
  try {
    full = exportEverything(bytes);
    fullModern = modern && exportEverything(modern);
    m = decodeModule(full.slice(), { exceptions: true });
    harness = buildHarness(m);
  } catch (e) {
    // Our decoder rejects a module binaryen made: V8 decides whether that is our bug.
    if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) {
      const why = `V8 rejects the generated module too (wasmjit: ${(e as Error).message.replace(/ @\+0x[0-9a-f]+/, '').replace(/\d+/g, 'N')})`;
      return { differences: [], exhausted: false, nanPayloadDiffs: 0, inconclusive: why };
    }
    return { differences: [`wasmjit cannot decode a module V8 accepts: ${(e as Error).message}`], exhausted: false, nanPayloadDiffs: 0 };
  }
  const rng = new Rng(job.seed, job.index, 0xa265);
  // A v128 argument crosses as two i64 halves (harness.ts), each an edge or random value.
  const args = (t: ValType) => (t === ValType.V128 ? [argFor(ValType.I64, rng), argFor(ValType.I64, rng)] : [argFor(t, rng)]);
  const plan: PlannedCall[] = harnessFuncs(m).map((f, j) => ({ j, args: f.type.params.flatMap(args) }));

  phase('v8');
  const v8 = observe(v8Engine(), full, harness, m, plan);
  if (v8.instantiate.startsWith('compile:')) return { differences: [], exhausted: false, nanPayloadDiffs: 0, inconclusive: `V8 rejects the module: ${v8.instantiate}` };
  const out: Compared = { differences: [], exhausted: v8.exhausted, nanPayloadDiffs: 0, v8 };
  const runs: [string, Uint8Array][] = [['', full]];
  if (fullModern) runs.push(['try_table ', fullModern]);
  for (const [what, module] of runs) {
    for (const mode of job.modes ?? ['explicit', 'guard']) {
      phase(`wasmjit-${mode}`);
      let ours: Observation;
      try {
        ours = observe(wasmjitEngine(mode), module, harness, m, plan);
      } catch (e) {
        // observe() catches what the fuzzed code throws; this is the harness or the runtime.
        out.differences.push(`wasmjit-${mode} ${what}threw outside any call: ${(e as Error)?.stack ?? e}`);
        continue;
      }
      out.exhausted ||= ours.exhausted;
      if (out.exhausted) continue;
      const cmp = compareObservations(v8, ours);
      out.differences.push(...cmp.differences.map((d) => `[${what}${mode}] ${d}`));
      out.nanPayloadDiffs += cmp.nanPayloadDiffs;
    }
  }
  return out;
}

export async function runDiffCase(job: DiffJob, phase: (p: string) => void): Promise<DiffResult> {
  let bytes = job.bytes;
  if (!bytes) {
    phase('generate');
    bytes = await generateDiffModule(job.seed, job.index, job.features);
  }
  const eh = job.features === 'eh';
  const split = (b: Uint8Array): { legacy: Uint8Array; modern?: Uint8Array; stats?: LegacyEhStats } => (eh ? legacyEhModules(b) : { legacy: b });
  let parts;
  try {
    parts = split(bytes);
  } catch (e) {
    if (e instanceof LegacyEhUnsupported) return { status: 'inconclusive', why: `legacy-eh cannot rewrite: ${e.message}` };
    throw e;
  }
  const c = compareEngines(parts.legacy, job, phase, parts.modern);
  if (c.inconclusive) return { status: 'inconclusive', why: c.inconclusive };
  if (c.differences.length) {
    // A NaN's payload may legally differ (e.g. V8's f64.min always answers the canonical
    // NaN, ours propagates the operand's) and then flow into integers through reinterpret
    // or memory. If the module made NaN-free by --denan agrees, that is what happened.
    phase('denan');
    const denanned = split(await denanModule(bytes));
    const again = compareEngines(denanned.legacy, job, phase, denanned.modern);
    if (!again.inconclusive && !again.exhausted && again.differences.length === 0) {
      return { status: 'inconclusive', why: 'NaN payloads: the differences vanish under binaryen --denan' };
    }
    return { status: 'mismatch', differences: c.differences, bytes };
  }
  if (c.exhausted) return { status: 'inconclusive', why: 'stack exhausted (engines have different stack limits)' };
  const v8 = c.v8!;
  return {
    status: 'match', exports: v8.calls.length, calls: v8.calls.length,
    traps: v8.calls.filter((o) => o.outcome.startsWith('trap:')).length, nanPayloadDiffs: c.nanPayloadDiffs, bytesLength: bytes.length,
    exceptions: v8.calls.filter((o) => o.outcome.startsWith('exception:')).length,
    caughtInJs: v8.log.filter((l) => l.startsWith('caught exception:')).length,
    tryTables: parts.stats?.tryTables ?? 0,
  };
}
