// Markdown tables for the terminal and latest.md. Pure: rows in, text out. Columns are
// padded so the table reads as a table in a terminal and still renders as markdown.
import type { Summary } from './stats.js';
import type { CacheRow, CallRow, CheckRow, CompileRow, ExecRow, Geomeans, PackageRow, TextRow, ValidateRow } from './types.js';

export type Align = 'left' | 'right';

/** Escapes what would break a markdown cell: pipes and line breaks. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const cols = header.length;
  for (const r of rows) {
    if (r.length !== cols) throw new Error(`BUG: table row has ${r.length} cells, header has ${cols}`);
  }
  const all = [header, ...rows].map((r) => r.map(cell));
  const width = header.map((_, c) => Math.max(3, ...all.map((r) => r[c]!.length)));
  const pad = (s: string, c: number) => (align[c] === 'right' ? s.padStart(width[c]!) : s.padEnd(width[c]!));
  const line = (r: readonly string[]) => `| ${r.map((s, c) => pad(s, c)).join(' | ')} |`;
  const rule = `| ${width.map((w, c) => (align[c] === 'right' ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ')} |`;
  return [line(all[0]!), rule, ...all.slice(1).map(line)].join('\n');
}

/** Milliseconds with about three significant digits. */
export function fmtMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

/** "median (min–max)". */
export function fmtSummary(s: Summary): string {
  return `${fmtMs(s.median)} (${fmtMs(s.min)}–${fmtMs(s.max)})`;
}

export function fmtRatio(r: number | null): string {
  return r === null ? '–' : r.toFixed(2);
}

/** Cuts a message to one table-friendly line. */
export function shorten(text: string, max = 70): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

export function execTable(rows: readonly ExecRow[], noteWidth = 70): string {
  const header = ['program', 'wasmjit ms', 'Liftoff ms', 'TurboFan ms', 'wasmjit/Liftoff', 'wasmjit/TurboFan'];
  const body = rows.map((r) => {
    const t = (id: 'wasmjit' | 'liftoff' | 'turbofan') => {
      const run = r.runs[id];
      if (run.time) return fmtSummary(run.time);
      return run.failure ? run.failure.kind : '–';
    };
    const wasmjit = r.status === 'ok' || !r.note ? t('wasmjit') : shorten(r.note, noteWidth);
    return [r.name, wasmjit, t('liftoff'), t('turbofan'), fmtRatio(r.ratios.liftoff), fmtRatio(r.ratios.turbofan)];
  });
  return markdownTable(header, body, ['left', 'right', 'right', 'right', 'right', 'right']);
}

/** The two closing lines the issue asks for, exactly `geomean wasmjit/liftoff: X.XX`. */
export function geomeanLines(g: Geomeans): string[] {
  const over = `(over ${g.count} of ${g.total} programs)`;
  const v = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
  return [`geomean wasmjit/liftoff: ${v(g.liftoff)} ${over}`, `geomean wasmjit/turbofan: ${v(g.turbofan)} ${over}`];
}

export function compileTable(rows: readonly CompileRow[]): string {
  const header = ['module', 'MB', 'functions', 'wasmjit ms', 'wasmjit MB/s', 'Liftoff ms', 'Liftoff MB/s', 'TurboFan ms', 'TurboFan MB/s', 'peak RSS MB wasmjit / Liftoff / TurboFan'];
  const n = (x: number | null | undefined, digits = 0) => (x == null ? '–' : x.toFixed(digits));
  const body = rows.map((r) => {
    const w = r.runs.wasmjit;
    const partial = w.funcsCompiled !== undefined && w.funcsTotal !== undefined && w.funcsCompiled < w.funcsTotal;
    const wms = w.ms === null ? shorten(w.note ?? 'failed', 40) : `${fmtMs(w.ms)}${w.warmMs != null ? ` (warm ${fmtMs(w.warmMs)})` : ''}`;
    const funcs = partial ? `${w.funcsCompiled}/${r.funcs} compiled` : String(r.funcs);
    const v = (id: 'liftoff' | 'turbofan') => {
      const c = r.runs[id];
      return [c.ms === null ? shorten(c.note ?? 'skipped', 30) : fmtMs(c.ms), n(c.mbPerSec, 1)];
    };
    const rss = [w, r.runs.liftoff, r.runs.turbofan].map((c) => n(c.peakRssMb)).join(' / ');
    return [r.name, (r.bytes / 1e6).toFixed(1), funcs, wms, n(w.mbPerSec, 1), ...v('liftoff'), ...v('turbofan'), rss];
  });
  return markdownTable(header, body, ['left', ...Array<Align>(9).fill('right')]);
}

export function cacheTable(rows: readonly CacheRow[]): string {
  const header = ['module', 'V8 default ms', 'wasmjit cold cache ms', 'wasmjit warm cache ms', 'warm / V8', 'cold / warm'];
  const ratio = (a: number | null, b: number | null) => fmtRatio(a !== null && b !== null && b > 0 ? a / b : null);
  const ms = (x: number | null) => (x === null ? '–' : fmtMs(x));
  const body = rows.map((r) => [r.name, ms(r.v8Ms), ms(r.coldMs), ms(r.warmMs), ratio(r.warmMs, r.v8Ms), ratio(r.coldMs, r.warmMs)]);
  return markdownTable(header, body, ['left', 'right', 'right', 'right', 'right', 'right']);
}

export function validateTable(rows: readonly ValidateRow[]): string {
  const header = ['module', 'V8 default CPU ms', 'wasmjit cold CPU ms', 'wasmjit warm CPU ms', 'cold / V8', 'warm / V8'];
  const ratio = (a: number | null, b: number | null) => fmtRatio(a !== null && b !== null && b > 0 ? a / b : null);
  const ms = (x: number | null) => (x === null ? '–' : fmtMs(x));
  const body = rows.map((r) => [r.name, ms(r.v8Ms), ms(r.coldMs), ms(r.warmMs), ratio(r.coldMs, r.v8Ms), ratio(r.warmMs, r.v8Ms)]);
  return markdownTable(header, body, ['left', 'right', 'right', 'right', 'right', 'right']);
}

/** Text parsing: cold and warm ms of both parsers and wasmjit / wabt; load times in the first columns. */
export function textTable(rows: readonly TextRow[]): string {
  const header = ['input', 'load ms wasmjit / wabt', 'cold ms wasmjit', 'cold ms wabt', 'warm ms wasmjit', 'warm ms wabt', 'cold wasmjit/wabt', 'warm wasmjit/wabt'];
  const ratio = (a: number | null, b: number | null) => fmtRatio(a !== null && b !== null && b > 0 ? a / b : null);
  const ms = (x: number | null) => (x === null ? '–' : fmtMs(x));
  const body = rows.map((r) => [
    `${r.name} (${r.what})`, `${ms(r.wasmjit.loadMs)} / ${ms(r.wabt.loadMs)}`, ms(r.wasmjit.coldMs), ms(r.wabt.coldMs), ms(r.wasmjit.warmMs), ms(r.wabt.warmMs),
    ratio(r.wasmjit.coldMs, r.wabt.coldMs), ratio(r.wasmjit.warmMs, r.wabt.warmMs),
  ]);
  return markdownTable(header, body, ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right']);
}

export function callsTable(rows: readonly CallRow[]): string {
  const header = ['call', 'wasmjit ns', 'Liftoff ns', 'TurboFan ns', 'wasmjit/Liftoff', 'wasmjit/TurboFan'];
  const n = (x: number | null) => (x === null ? '–' : x.toFixed(1));
  const body = rows.map((r) => {
    const w = r.ns.wasmjit;
    const wcell = w === null && r.note ? shorten(r.note, 50) : n(w);
    const rat = (v: number | null) => fmtRatio(w !== null && v !== null && v > 0 ? w / v : null);
    return [r.name, wcell, n(r.ns.liftoff), n(r.ns.turbofan), rat(r.ns.liftoff), rat(r.ns.turbofan)];
  });
  return markdownTable(header, body, ['left', 'right', 'right', 'right', 'right', 'right']);
}

export function checksTable(rows: readonly CheckRow[]): string {
  const header = ['check', 'program', 'checks on ms', 'checks off ms', 'on/off'];
  const body: string[][] = [];
  for (const r of rows) {
    if (r.programs.length === 0) {
      body.push([r.name, r.status, '–', '–', '–']);
      continue;
    }
    for (const p of r.programs) {
      body.push([r.name, p.name, p.onMs === null ? shorten(p.note ?? '–', 40) : fmtMs(p.onMs), p.offMs === null ? '–' : fmtMs(p.offMs), fmtRatio(p.ratio)]);
    }
    body.push([r.name, 'geomean', '', '', fmtRatio(r.geomean)]);
  }
  return markdownTable(header, body, ['left', 'left', 'right', 'right', 'right']);
}

export function packagesTable(rows: readonly PackageRow[]): string {
  const header = ['package', 'version', 'load ms wasmjit', 'load ms V8', 'load wasmjit/V8', 'load+1st run wasmjit/V8',
    'load+1st run lazy/V8', 'load+1st run warm cache/V8', 'warm: compile→first export ms (V8)', 'warm: compile→first export / V8',
    'run ms wasmjit', 'run ms V8', 'run wasmjit/V8', 'startup ms wasmjit / V8'];
  const ms = (x: number | null) => (x === null ? '–' : fmtMs(x));
  const body = rows.map((r) => {
    const version = r.origin.slice(r.origin.lastIndexOf('@') + 1);
    if (r.status !== 'ok') return [r.name, version, shorten(`${r.status}: ${r.note ?? ''}`, 60), ...Array<string>(11).fill('–')];
    return [r.name, version, ms(r.loadMs.wasmjit), ms(r.loadMs.v8), fmtRatio(r.ratios.load), fmtRatio(r.ratios.firstResult),
      fmtRatio(r.ratios.lazyFirstResult ?? null), fmtRatio(r.ratios.cachedFirstResult ?? null),
      `${ms(r.firstExportMs?.cached ?? null)} (${ms(r.firstExportMs?.v8 ?? null)})`, fmtRatio(r.ratios.cachedFirstExport ?? null),
      r.run.wasmjit ? fmtSummary(r.run.wasmjit) : '–', r.run.v8 ? fmtSummary(r.run.v8) : '–', fmtRatio(r.ratios.run),
      `${ms(r.startupMs.wasmjit)} / ${ms(r.startupMs.v8)}`];
  });
  return markdownTable(header, body, ['left', 'left', ...Array<Align>(12).fill('right')]);
}

/** The closing lines of the packages section: geomeans of the ratios. */
export function packageGeomeanLines(g: { load: number | null; firstResult: number | null; run: number | null; count: number; total: number }): string[] {
  const over = `(over ${g.count} of ${g.total} packages)`;
  const v = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
  return [
    `geomean package load wasmjit/V8: ${v(g.load)} ${over}`,
    `geomean package load+first run wasmjit/V8: ${v(g.firstResult)} ${over}`,
    `geomean package run wasmjit/V8: ${v(g.run)} ${over}`,
  ];
}
