// Phase timers of a cold start, in place (docs/cache.md "Where a warm start goes"): with
// WASMJIT_STARTUP_PHASES=1 the compile and instantiation paths mark the end of each phase,
// and the process prints the ms per phase to stderr at exit, as one line
// `WASMJIT-PHASES {"copy":…,"hash":…}`. Off (null) otherwise: a call site costs a test of null.
// WASMJIT_STARTUP_PHASES=cpu times the process's CPU (all threads, process.cpuUsage) instead
// of the wall clock: on a machine loaded with other work, the wall clock of a phase is mostly
// time spent waiting for a core.
export interface PhaseClock {
  /** Starts timing (again) from now, e.g. at the top of compile(). */
  begin(): void;
  /** Ends phase `name` (time since the previous mark or begin; repeated names add up). */
  mark(name: string): void;
}

function makeClock(now: () => number): PhaseClock {
  const totals = new Map<string, number>();
  let last = now();
  process.on('exit', () => {
    const out: Record<string, number> = {};
    for (const [k, v] of totals) out[k] = Math.round(v * 100) / 100;
    process.stderr.write(`WASMJIT-PHASES ${JSON.stringify(out)}\n`);
  });
  return {
    begin: () => { last = now(); },
    mark: (name) => {
      const t = now();
      totals.set(name, (totals.get(name) ?? 0) + t - last);
      last = t;
    },
  };
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const setting = process.env.WASMJIT_STARTUP_PHASES;
export const phases: PhaseClock | null = setting === '1' ? makeClock(() => performance.now()) : setting === 'cpu' ? makeClock(cpuMs) : null;
