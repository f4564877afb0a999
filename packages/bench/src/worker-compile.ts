// Worker side of the compile-speed section: one cold compile of a large module in a fresh
// process (wasmjit's own JS is still cold too, as for a user), then for wasmjit a second,
// warm one. V8 gets no second compile: it would be served from its in-process module cache.
import { readFileSync } from 'node:fs';
import { decodeModule } from '@wasmjit/codegen';
import { errorMessage, isUnsupported, loadWasmjit } from './engines.js';
import { compilePartially } from './compile-partial.js';
import type { CompileJob, CompileResult } from './jobs.js';

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export async function runCompileJob(job: CompileJob): Promise<CompileResult> {
  const bytes = new Uint8Array(readFileSync(job.file));
  // Function count from wasmjit's decoder (cheap next to a compile; the V8 process loads
  // codegen for it, but only after its timed compile and RSS reading).
  const countFuncs = () => decodeModule(bytes.slice()).codes.length;
  if (job.engine === 'v8') {
    const t0 = performance.now();
    new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    const ms = performance.now() - t0;
    const rss = peakRssMb();
    const funcs = countFuncs();
    return { bytes: bytes.length, funcs, ms, bytesCompiled: bytes.length, funcsCompiled: funcs, warmMs: null, peakRssMb: rss };
  }
  const rt = await loadWasmjit();
  // Eager: this section measures compiling every function (startup is the packages section's).
  const engine = new rt.Engine({ compilation: 'eager' });
  const t0 = performance.now();
  try {
    engine.compile(bytes);
  } catch (e) {
    if (!isUnsupported(e)) throw e;
    const p = compilePartially(bytes);
    return {
      bytes: bytes.length, funcs: p.funcsTotal, ms: p.ms, bytesCompiled: p.bytesCompiled, funcsCompiled: p.funcsCompiled,
      warmMs: null, peakRssMb: peakRssMb(),
      note: `partial: ${p.funcsCompiled}/${p.funcsTotal} functions compiled${p.truncated ? ' (time budget ran out)' : ''}; ` +
        `not compiled: ${p.reasons.join('; ') || errorMessage(e)}`,
    };
  }
  const ms = performance.now() - t0;
  const rss = peakRssMb();
  let warmMs: number | null = null;
  if (job.warm) {
    const t1 = performance.now();
    engine.compile(bytes);
    warmMs = performance.now() - t1;
  }
  const funcs = countFuncs();
  return { bytes: bytes.length, funcs, ms, bytesCompiled: bytes.length, funcsCompiled: funcs, warmMs, peakRssMb: rss };
}
