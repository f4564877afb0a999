// The report: markdown for the terminal and bench/results/latest.md, the JSON, the SVG.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ratioChart, type ChartRow } from './svg.js';
import { packageGeomeans } from './rows.js';
import { textTable, validateTable } from './table.js';
import { cacheTable, callsTable, checksTable, compileTable, execTable, geomeanLines, markdownTable, packageGeomeanLines, packagesTable } from './table.js';
import type { BenchResults } from './types.js';

export function header(r: BenchResults): string {
  const m = r.machine;
  const load = m.load ? `, load average ${m.load[0].toFixed(1)} → ${m.load[1].toFixed(1)}` : '';
  return `wasmjit benchmark (${r.mode}) — ${r.date} — node ${m.node} (V8 ${m.v8}), ${m.cpu}, ${m.cores} cores, ${m.platform}${load}`;
}

/** The execution table and its geomean lines: what the terminal shows first. */
export function execSection(r: BenchResults): string {
  const lines = [
    '## Execution',
    '',
    'ms per run, median (min–max); ratios are wasmjit median / V8 median (lower is better).',
    '',
    execTable(r.exec.rows),
    '',
    ...geomeanLines(r.exec.geomean),
  ];
  const notes = r.exec.rows.filter((row) => row.status !== 'ok' && row.note);
  if (notes.length > 0) lines.push('', ...notes.map((row) => `- ${row.name}: ${row.note}`));
  return lines.join('\n');
}

export function otherSections(r: BenchResults): string {
  const out: string[] = [];
  if (r.compile.length > 0) {
    out.push('## Compile speed', '', 'One cold compile per fresh process (median of runs); MB = 10^6 bytes of module. V8 with ' +
      `\`${(r.flags.compile ?? []).join(' ')}\`; wasmjit compiles on one thread (warm: a second compile in the same process).`, '',
    compileTable(r.compile));
    for (const c of r.compile) {
      const note = c.runs.wasmjit.note;
      if (note) out.push('', `- ${c.name} (wasmjit): ${note}`);
    }
    out.push('');
  }
  const cache = r.cache ?? [];
  if (cache.length > 0) {
    out.push('### Code cache', '', 'Compile in a fresh process (median of runs): V8 with node\'s defaults (lazy compilation); wasmjit with ' +
      '`new Engine({ cache: dir })`, the directory empty (cold: compile and write the entry) or holding the entry (warm: a hit).', '',
    cacheTable(cache));
    for (const c of cache) if (c.note) out.push('', `- ${c.name}: ${c.note}`);
    out.push('');
  }
  const validate = r.validate ?? [];
  if (validate.length > 0) {
    out.push('### Decode + validate', '', 'CPU ms of all threads in a fresh process (median of runs): V8\'s `new WebAssembly.Module` with node\'s ' +
      'defaults (lazy compilation: every body validated, none compiled); wasmjit\'s decodeModule + validateModule, the first in the ' +
      'process (cold) and the fourth (warm).', '', validateTable(validate));
    for (const v of validate) if (v.note) out.push('', `- ${v.name}: ${v.note}`);
    out.push('');
  }
  if (r.calls.length > 0) out.push('## Calls', '', 'ns per call, median of runs.', '', callsTable(r.calls), '');
  const text = r.text ?? [];
  if (text.length > 0) {
    out.push('## Text format', '', 'Parse + encode of the current spec suite (../shared/spec-latest/core): @wasmjit/text against wabt.js ' +
      '(parseWat + toBinary; wabt is C++ compiled to wasm, run by V8). Wall-clock ms, median over fresh processes: load = importing ' +
      'the parser (wabt.js: also compiling its wasm), cold = the first pass in the process, warm = the median of the later ones. ' +
      'wabt.js reads no scripts, so its columns in the whole-scripts row are its time on the module texts alone.', '', textTable(text));
    for (const t of text) if (t.note) out.push('', `- ${t.name}: ${t.note}`);
    out.push('');
  }
  if (r.checks.length > 0) out.push('## Safety checks', '', 'wasmjit only: ms with the checks on / off.', '', checksTable(r.checks), '');
  const packages = r.packages ?? [];
  if (packages.length > 0) {
    out.push('## Packages', '', 'npm packages run unmodified: wasmjit through the register hook (`node --import @wasmjit/runtime/register`; ' +
      'the wasmjit columns compile eagerly, the lazy column lazily, the warm cache column with the default, which is lazy from 16 MiB on), ' +
      'V8 in plain node with its defaults (lazy compilation, Liftoff, tier-up to TurboFan). load = importing the package and compiling and ' +
      'instantiating its wasm, once per process (median over processes); load+1st run = the time to a first result, which also counts ' +
      "V8's lazy compiling during the first run; run = ms per run after a warm-up, median (min–max); startup = process start to the " +
      "scenario's start (node, and for wasmjit the hook's import). Every output matched V8's byte for byte (sha-256) unless the row says otherwise.", '',
    packagesTable(packages), '', ...packageGeomeanLines(packageGeomeans(packages)), '');
    for (const p of packages) out.push(`- ${p.name} (${p.origin}): ${p.what}`);
    out.push('');
  }
  return out.join('\n');
}

export function failuresSection(r: BenchResults): string {
  if (r.failures.length === 0) return 'correctness: every output matched V8';
  return [`FAILURES (${r.failures.length}):`, ...r.failures.map((f) => `- ${f}`)].join('\n');
}

export function markdownReport(r: BenchResults): string {
  const programs = markdownTable(['program', 'origin', 'what', 'arg'], r.exec.rows.map((row) => [row.name, row.origin, row.what, String(row.arg)]));
  const flags = Object.entries(r.flags).map(([k, v]) => `- ${k}: \`${v.join(' ') || '(none)'}\``);
  return [
    `# ${header(r)}`, '',
    'Regenerate with `pnpm bench` (or `pnpm bench --quick`); see packages/bench/README.md.', '',
    execSection(r), '',
    '![wasmjit / V8 ratios](latest.svg)', '',
    otherSections(r),
    '## Programs', '', programs, '',
    '## Node flags', '', ...flags, '',
    failuresSection(r), '',
    `Run took ${Math.round(r.durationSec)} s.`, '',
  ].join('\n');
}

export function chartRows(r: BenchResults): { rows: ChartRow[]; footer: ChartRow[] } {
  const rows = r.exec.rows.map((row): ChartRow => ({
    name: row.name, liftoff: row.ratios.liftoff, turbofan: row.ratios.turbofan,
    ...(row.status === 'ok' ? {} : { note: row.status }),
  }));
  const g = r.exec.geomean;
  return { rows, footer: [{ name: 'geomean', liftoff: g.liftoff, turbofan: g.turbofan, note: 'no program ran' }] };
}

export function writeResults(r: BenchResults, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const { rows, footer } = chartRows(r);
  const files: [string, string][] = [
    ['latest.json', `${JSON.stringify(r, null, 2)}\n`],
    ['latest.md', markdownReport(r)],
    ['latest.svg', ratioChart(rows, { footer, title: `wasmjit time / V8 time, ${r.mode} run ${r.date.slice(0, 10)} (lower is better)` })],
  ];
  for (const [name, text] of files) writeFileSync(path.join(dir, name), text);
  return files.map(([name]) => path.join(dir, name));
}
