// When wasmjit cannot compile a whole module yet (a function uses a feature not supported),
// the compile-speed section still reports how many functions did compile and how fast.
//
// Only the codegen package's public API is used: compileModuleCode compiles functions in
// index order and stops at the first CompileError, whose funcIndex says which one. Every
// function before it compiled; so the next attempt starts just after it, on a view of the
// module where the functions already dealt with are presented as imports (they get a cheap
// host thunk instead of a body, and calls to them still have a target). Each function body
// is therefore compiled once; the price is one thunk per earlier function per failure.
import { CompileError, compileModuleCode, decodeModule, validateModule, type WasmModule } from '@wasmjit/codegen';

export interface PartialCompile {
  /** Wall time: decode + validate + code generation of the attempts (failed ones included). */
  ms: number;
  funcsTotal: number;
  funcsCompiled: number;
  /** Module bytes minus the bodies of the functions that failed. */
  bytesCompiled: number;
  /** The first few distinct reasons, most frequent first, e.g. "unsupported opcode … (12)". */
  reasons: string[];
  /** True when the time budget ran out before every function was tried. */
  truncated: boolean;
}

/** `compile` is compileModuleCode; the tests pass a stand-in that fails on chosen functions. */
export function compilePartially(bytes: Uint8Array, budgetMs = 60_000, compile: (m: WasmModule) => unknown = compileModuleCode): PartialCompile {
  const t0 = performance.now();
  const m = decodeModule(bytes.slice());
  validateModule(m);
  const imported = m.numImportedFuncs;
  const total = m.codes.length;
  const failed: number[] = [];
  const reasons = new Map<string, number>();
  let start = imported;
  let truncated = false;
  while (start < imported + total) {
    if (performance.now() - t0 > budgetMs) {
      truncated = true;
      break;
    }
    const view: WasmModule = { ...m, numImportedFuncs: start, codes: m.codes.slice(start - imported) };
    try {
      compile(view);
      break;
    } catch (e) {
      if (!(e instanceof CompileError) || e.funcIndex === undefined || e.funcIndex < start) throw e;
      failed.push(e.funcIndex);
      const why = e.reason.replace(/ in function \d+.*$/, '').replace(/ at offset 0x[0-9a-f]+/, '');
      reasons.set(why, (reasons.get(why) ?? 0) + 1);
      start = e.funcIndex + 1;
    }
  }
  const ms = performance.now() - t0;
  const tried = truncated ? start - imported : total;
  let failedBytes = 0;
  for (const f of failed) {
    const body = m.codes[f - imported]!;
    failedBytes += body.bodyEnd - body.offset;
  }
  return {
    ms,
    funcsTotal: total,
    funcsCompiled: tried - failed.length,
    bytesCompiled: bytes.length - failedBytes,
    reasons: [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${k} (${n})`),
    truncated,
  };
}
