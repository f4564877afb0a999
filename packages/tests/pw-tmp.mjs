import { readFileSync } from 'node:fs';
const { parseWast } = await import('@wasmjit/text');
const s = readFileSync('../../../shared/spec-latest/core/simd/simd_f32x4_pmin_pmax.wast', 'utf8');
for (let r = 0; r < 6; r++) { const t0 = performance.now(); const c = parseWast(s); console.log(c.length, (performance.now() - t0).toFixed(1)); }
