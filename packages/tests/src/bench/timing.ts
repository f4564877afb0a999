// Shared by the micro benchmarks (not tests): robust timing on a shared machine.

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * CPU time (user + system) of one run in ms. On a shared machine wall-clock time also counts
 * the time other processes had the core; CPU time does not, and the minimum over many runs is
 * the least disturbed one (print medians too, for the spread).
 */
export function cpuMs(f: () => unknown): number {
  const t0 = process.cpuUsage();
  f();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}
