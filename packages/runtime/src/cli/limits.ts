// `wasmjit run --timeout DURATION` and `--fuel N`: stopping a runaway program with an epoch
// deadline (a native timer thread bumps the engine's epoch) or with fuel. See
// ../interruption.ts.
import { UsageError, optionValue, type OptionSpec, type ParsedArgs } from './args.js';
import { MAX_FUEL } from '../interruption.js';

export const LIMIT_OPTIONS: OptionSpec[] = [
  {
    name: 'timeout',
    value: 'DURATION',
    help: "stop the run with 'wasm trap: interrupt' after DURATION (2s, 500ms, 1.5m; a bare number is seconds; start function included)",
  },
  {
    name: 'fuel',
    value: 'N',
    help: "stop the run with 'wasm trap: out_of_fuel' after N wasm operators (deterministic; start function included)",
  },
];

export interface RunLimits {
  timeoutMs?: number;
  fuel?: bigint;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] ?? 's']! : NaN;
  if (!(ms > 0) || ms > 1e12) throw new UsageError(`--timeout must be a positive duration such as 2s or 500ms (got '${text}')`);
  return ms;
}

function parseFuel(text: string): bigint {
  const fuel = /^\d+$/.test(text) ? BigInt(text) : -1n;
  if (fuel < 0n || fuel > MAX_FUEL) throw new UsageError(`--fuel must be a whole number of operators, at most 2^63-1 (got '${text}')`);
  return fuel;
}

export function parseLimits(p: ParsedArgs): RunLimits {
  const limits: RunLimits = {};
  const timeout = optionValue(p, 'timeout');
  const fuel = optionValue(p, 'fuel');
  if (timeout !== undefined) limits.timeoutMs = parseDuration(timeout);
  if (fuel !== undefined) limits.fuel = parseFuel(fuel);
  return limits;
}

export function hasLimits(l: RunLimits): boolean {
  return l.timeoutMs !== undefined || l.fuel !== undefined;
}
