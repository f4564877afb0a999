// Comparing two observations. Everything must agree exactly except where the spec lets
// engines differ: the payload of a NaN produced by arithmetic. Such a result is always a
// quiet NaN (canonical or arithmetic, spec 4.3.3: "nans"), so two different bit patterns
// are accepted only when both are quiet NaNs; a signalling NaN or a non-NaN where the other
// engine has a NaN is a mismatch. Bit-exact operations (loads, stores, reinterpret, neg,
// abs, copysign, constants) cannot produce differing NaNs in a correct engine, and they are
// checked through the same rule, which is only ever looser than exact.
import { ValType } from '@wasmjit/codegen';
import { sameOutcome } from './diff-engines.js';
import type { Observation, ObservedValue } from './diff-observe.js';

export interface Comparison {
  differences: string[];
  /** Values or memory bytes accepted only because both sides were quiet NaNs. */
  nanPayloadDiffs: number;
}

const F32_QNAN = 0x7fc00000;
const F64_QNAN = 0x7ff8000000000000n;

export function isQuietNaN32(bits: number): boolean {
  return ((bits >>> 0) & F32_QNAN) === F32_QNAN;
}

export function isQuietNaN64(bits: bigint): boolean {
  return (bits & F64_QNAN) === F64_QNAN;
}

function sameValue(a: ObservedValue, b: ObservedValue, cmp: Comparison): boolean {
  if (a.type !== b.type) return false;
  if (a.text === b.text) return true;
  if (a.type === ValType.F32 && isQuietNaN32(Number(a.text)) && isQuietNaN32(Number(b.text))) return cmp.nanPayloadDiffs++, true;
  if (a.type === ValType.F64 && isQuietNaN64(BigInt(a.text)) && isQuietNaN64(BigInt(b.text))) return cmp.nanPayloadDiffs++, true;
  return false;
}

function showValues(vs: ObservedValue[] | undefined): string {
  return (vs ?? []).map((v) => (v.type === ValType.F32 ? `f32:0x${Number(v.text).toString(16)}` : v.type === ValType.F64 ? `f64:0x${BigInt(v.text).toString(16)}` : v.text)).join(', ');
}

function f32At(m: Uint8Array, i: number): number | undefined {
  return i >= 0 && i + 4 <= m.length ? (m[i]! | (m[i + 1]! << 8) | (m[i + 2]! << 16) | (m[i + 3]! << 24)) >>> 0 : undefined;
}

function f64At(m: Uint8Array, i: number): bigint | undefined {
  if (i < 0 || i + 8 > m.length) return undefined;
  return BigInt(f32At(m, i)!) | (BigInt(f32At(m, i + 4)!) << 32n);
}

/**
 * Is the differing byte at `i` inside a 4- or 8-byte window (any alignment) where both
 * memories hold quiet NaNs? Returns the end of that window, or -1.
 */
function nanWindowEnd(a: Uint8Array, b: Uint8Array, i: number): number {
  for (const width of [8, 4]) {
    for (let start = i - width + 1; start <= i; start++) {
      const ok = width === 4
        ? (() => { const x = f32At(a, start); const y = f32At(b, start); return x !== undefined && y !== undefined && isQuietNaN32(x) && isQuietNaN32(y); })()
        : (() => { const x = f64At(a, start); const y = f64At(b, start); return x !== undefined && y !== undefined && isQuietNaN64(x) && isQuietNaN64(y); })();
      if (ok) return start + width;
    }
  }
  return -1;
}

function compareMemory(a: Uint8Array | undefined, b: Uint8Array | undefined, cmp: Comparison): void {
  if (!a || !b) {
    if (a !== b) cmp.differences.push(`memory: exported by one side only`);
    return;
  }
  if (a.length !== b.length) {
    cmp.differences.push(`memory: size ${a.length} vs ${b.length} bytes`);
    return;
  }
  let shown = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const end = nanWindowEnd(a, b, i);
    if (end > 0) {
      cmp.nanPayloadDiffs++;
      i = end - 1;
      continue;
    }
    if (shown++ < 4) {
      const from = Math.max(0, i - 4);
      const hex = (m: Uint8Array) => Buffer.from(m.subarray(from, i + 12)).toString('hex');
      cmp.differences.push(`memory: byte 0x${i.toString(16)} differs (from 0x${from.toString(16)}: v8 ${hex(a)} / wasmjit ${hex(b)})`);
    }
  }
  if (shown > 4) cmp.differences.push(`memory: ${shown} differing bytes in all`);
}

/** Differences of `ours` from `v8` (empty when they agree). */
export function compareObservations(v8: Observation, ours: Observation): Comparison {
  const cmp: Comparison = { differences: [], nanPayloadDiffs: 0 };
  const d = cmp.differences;
  if (v8.instantiate !== ours.instantiate && !sameOutcome(v8.instantiate, ours.instantiate)) {
    d.push(`instantiation: v8 ${v8.instantiate} / ${ours.engine} ${ours.instantiate}`);
  }
  const n = Math.max(v8.calls.length, ours.calls.length);
  for (let i = 0; i < n; i++) {
    const a = v8.calls[i];
    const b = ours.calls[i];
    if (!a || !b) {
      d.push(`call #${i}: made by one engine only`);
      break;
    }
    if (!sameOutcome(a.outcome, b.outcome)) d.push(`call #${i} ${a.name}: v8 ${a.outcome} / ${ours.engine} ${b.outcome}`);
    else if (a.outcome === 'ok') {
      const va = a.values ?? [];
      const vb = b.values ?? [];
      if (va.length !== vb.length || va.some((v, k) => !sameValue(v, vb[k]!, cmp))) {
        d.push(`call #${i} ${a.name}: v8 returned [${showValues(va)}] / ${ours.engine} [${showValues(vb)}]`);
      }
    }
  }
  const logLen = Math.max(v8.log.length, ours.log.length);
  for (let i = 0; i < logLen; i++) {
    if (v8.log[i] !== ours.log[i]) {
      d.push(`log entry ${i}: v8 "${v8.log[i] ?? '(end)'}" / ${ours.engine} "${ours.log[i] ?? '(end)'}"`);
      break;
    }
  }
  compareMemory(v8.memory, ours.memory, cmp);
  v8.globals.forEach((g, i) => {
    const o = ours.globals[i];
    if (!o || !sameValue(g, o, cmp)) d.push(`global ${i}: v8 ${showValues([g])} / ${ours.engine} ${showValues(o ? [o] : [])}`);
  });
  if (ours.globals.length !== v8.globals.length) d.push(`globals: ${v8.globals.length} vs ${ours.globals.length}`);
  v8.tables.forEach((t, i) => {
    if (ours.tables[i] !== t) d.push(`table ${i}: v8 ${t.slice(0, 200)} / ${ours.engine} ${(ours.tables[i] ?? '').slice(0, 200)}`);
  });
  return cmp;
}
