// Which modules compile lazily under EngineOptions.compilation (docs/startup.md, "Choosing").
export type Compilation = 'lazy' | 'eager' | 'auto';

/**
 * 'auto' compiles modules of this many bytes or more lazily. Measured on the packages bench
 * (docs/startup.md): lazy reached the first result sooner for @swc/wasm (18 MB), ruby.wasm
 * (36 MB) and DuckDB (39 MB), later for esbuild.wasm (14 MB) and sql.js (0.7 MB), whose first
 * runs call a large part of their code (each first call compiles with a still-cold compiler).
 */
export const LAZY_MIN_BYTES = 16 << 20;

export function compilesLazily(c: Compilation, byteLength: number): boolean {
  return c === 'lazy' || (c === 'auto' && byteLength >= LAZY_MIN_BYTES);
}
