// Phase timers of a cold start, in place (docs/cache.md "Where a warm start goes"): with
// WASMJIT_STARTUP_PHASES=1 the compile and instantiation paths mark the end of each phase,
// and the process prints the ms per phase to stderr at exit, as one line
// `WASMJIT-PHASES {"copy":…,"hash":…}`. Off (null) otherwise: a call site costs a test of null.
export interface PhaseClock {
  /** Starts timing (again) from now, e.g. at the top of compile(). */
  begin(): void;
  /** Ends phase `name` (time since the previous mark or begin; repeated names add up). */
  mark(name: string): void;
}

function makeClock(): PhaseClock {
  const totals = new Map<string, number>();
  let last = performance.now();
  process.on('exit', () => {
    const out: Record<string, number> = {};
    for (const [k, v] of totals) out[k] = Math.round(v * 100) / 100;
    process.stderr.write(`WASMJIT-PHASES ${JSON.stringify(out)}\n`);
  });
  return {
    begin: () => { last = performance.now(); },
    mark: (name) => {
      const now = performance.now();
      totals.set(name, (totals.get(name) ?? 0) + now - last);
      last = now;
    },
  };
}

export const phases: PhaseClock | null = process.env.WASMJIT_STARTUP_PHASES === '1' ? makeClock() : null;
