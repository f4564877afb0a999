// What this CPU offers beyond the SSE4.1 baseline wasm SIMD needs (V8 requires SSE4.1 too).
// Read once from /proc/cpuinfo's flags (Linux, the only platform the JIT targets); anything
// unreadable means "baseline only".
import { readFileSync } from 'node:fs';

export interface CpuFeatures {
  readonly avx: boolean;
  readonly avx2: boolean;
  /** FMA3 (vfmadd…): relaxed SIMD's madd/nmadd fuse with it, as V8 does. */
  readonly fma: boolean;
}

let cached: CpuFeatures | null = null;

export function cpuFeatures(): CpuFeatures {
  if (cached) return cached;
  let flags = new Set<string>();
  try {
    const text = readFileSync('/proc/cpuinfo', 'latin1');
    const line = /^flags\s*:(.*)$/m.exec(text);
    if (line) flags = new Set(line[1]!.trim().split(/\s+/));
  } catch {
    // No cpuinfo: baseline.
  }
  cached = { avx: flags.has('avx'), avx2: flags.has('avx2'), fma: flags.has('fma') };
  return cached;
}
