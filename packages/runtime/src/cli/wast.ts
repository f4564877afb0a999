// `wasmjit wast FILE...`: runs WebAssembly spec scripts (.wast) on wasmjit and prints one
// line per file and the totals in the test suite's `spec:` format, as `wasmtime wast` runs
// them. Files run one after another in this process; a failed assertion is reported with its
// line, a feature wasmjit lacks is a skip naming it.
import { readFileSync } from 'node:fs';
import { runScript, skipCategory, WasmjitAdapter, type Outcome } from '../wast/index.js';
import { UsageError, hasFlag, helpText, optionValue, parseArgs, type CommandSpec } from './args.js';
import { CliError } from './load.js';
import { reportFailure } from './failure.js';
import { Exit, out } from './io.js';
import type { BoundsChecks } from '../engine.js';
import { WASM2_FEATURES } from '@wasmjit/codegen';

export const WAST: CommandSpec = {
  name: 'wast',
  usage: '[options] <script.wast>...',
  summary: 'run WebAssembly spec scripts (.wast) and count the assertions',
  options: [
    { name: 'bounds-checks', value: 'MODE', choices: ['explicit', 'guard'], help: 'linear-memory bounds checks: explicit | guard (default guard)' },
    { name: 'standard', value: 'EDITION', choices: ['2.0', '3.0'], help: "text format edition of the scripts (default 3.0; 2.0 caps 32-bit limits at u32)" },
    { name: 'verbose', help: 'print every failure (default: the first 20 per file)' },
  ],
  details: [
    'Prints `FILE: N passed, N failed, N skipped` per script, the skip reasons, and',
    '`spec: N passed, N failed, N skipped`. Exit status 1 when an assertion failed.',
    '',
    'example:',
    '  wasmjit wast ../shared/spec/i32.wast ../shared/spec/br_table.wast',
  ].join('\n'),
};

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function countOf(outcomes: Outcome[]): Counts {
  const c = { passed: 0, failed: 0, skipped: 0 };
  for (const o of outcomes) c[o.status]++;
  return c;
}

const fmt = (c: Counts) => `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;

const MAX_SHOWN = 20;

export async function wastCommand(argv: readonly string[]): Promise<number> {
  try {
    const p = parseArgs(WAST, argv);
    if (hasFlag(p, 'help')) {
      out(helpText(WAST));
      return Exit.Ok;
    }
    if (p.positionals.length === 0) throw new UsageError('missing <script.wast>');
    const boundsChecks = optionValue(p, 'bounds-checks') as BoundsChecks | undefined;
    const standard = (optionValue(p, 'standard') ?? '3.0') as '2.0' | '3.0';
    const verbose = hasFlag(p, 'verbose');
    const total: Counts = { passed: 0, failed: 0, skipped: 0 };
    const skips = new Map<string, number>();
    for (const file of p.positionals) {
      let src: string;
      try {
        src = readFileSync(file, 'utf8');
      } catch (e) {
        throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
      }
      // A fresh engine per script: one script's modules never meet another's.
      // 2.0 scripts expect 2.0's errors: the 3.0 features off.
      const adapter = new WasmjitAdapter({ ...(boundsChecks ? { boundsChecks } : {}), ...(standard === '3.0' ? {} : { features: WASM2_FEATURES }) });
      const outcomes = await runScript(src, adapter, { standard });
      const c = countOf(outcomes);
      out(`${file}: ${fmt(c)}\n`);
      const failures = outcomes.filter((o) => o.status === 'failed');
      for (const o of verbose ? failures : failures.slice(0, MAX_SHOWN)) {
        out(`  FAIL ${file}:${o.line} ${o.command}: ${o.reason}\n`);
      }
      if (!verbose && failures.length > MAX_SHOWN) out(`  ... ${failures.length - MAX_SHOWN} more failures (--verbose)\n`);
      for (const o of outcomes) if (o.status === 'skipped') skips.set(skipCategory(o.reason), (skips.get(skipCategory(o.reason)) ?? 0) + 1);
      total.passed += c.passed;
      total.failed += c.failed;
      total.skipped += c.skipped;
    }
    for (const [reason, n] of [...skips].sort((a, b) => b[1] - a[1])) out(`skipped: ${n} ${reason}\n`);
    out(`spec: ${fmt(total)}\n`);
    return total.failed > 0 ? Exit.Error : Exit.Ok;
  } catch (e) {
    return reportFailure(e, 'wast');
  }
}
