// The ratio chart (bench/results/latest.svg): one row per program, two horizontal bars —
// wasmjit/Liftoff and wasmjit/TurboFan — on a log2 axis centred on 1.0, so "2× slower" and
// "2× faster" are the same length either side of parity. Pure: rows in, SVG text out.

export interface ChartRow {
  name: string;
  liftoff: number | null;
  turbofan: number | null;
  /** Shown instead of bars when both ratios are null (e.g. "unsupported"). */
  note?: string;
}

export interface ChartOptions {
  title?: string;
  /** Rows drawn after a separator line, e.g. the geomeans. */
  footer?: ChartRow[];
}

const COLORS = { liftoff: '#4e79a7', turbofan: '#f28e2b' } as const;
const LABEL_W = 150;
const PLOT_W = 520;
const RIGHT_W = 60;
const ROW_H = 26;
const BAR_H = 9;
const TOP = 56;
/** Room inside the plot at either end for the value printed beyond a bar's end. */
const MARGIN = 32;

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Axis bounds: powers of two covering every ratio, at least 1/4 … 4. */
export function axisRange(values: readonly number[]): { lo: number; hi: number } {
  let lo = -2;
  let hi = 2;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    const l = Math.log2(v);
    lo = Math.min(lo, Math.floor(l));
    hi = Math.max(hi, Math.ceil(l));
  }
  return { lo, hi };
}

export function ratioChart(rows: readonly ChartRow[], opts: ChartOptions = {}): string {
  const footer = opts.footer ?? [];
  const all = [...rows, ...footer];
  const { lo, hi } = axisRange(all.flatMap((r) => [r.liftoff, r.turbofan].filter((v): v is number => v !== null)));
  const x = (v: number) => LABEL_W + MARGIN + ((Math.log2(v) - lo) / (hi - lo)) * (PLOT_W - 2 * MARGIN);
  const gap = footer.length > 0 ? 12 : 0;
  const height = TOP + all.length * ROW_H + gap + 34;
  const width = LABEL_W + PLOT_W + RIGHT_W;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  out.push(`<text x="${LABEL_W}" y="18" font-size="14" font-weight="bold">${escapeXml(opts.title ?? 'wasmjit time / V8 time (lower is better)')}</text>`);
  // Legend.
  out.push(`<rect x="${LABEL_W}" y="28" width="12" height="${BAR_H}" fill="${COLORS.liftoff}"/><text x="${LABEL_W + 16}" y="37">wasmjit / Liftoff</text>`);
  out.push(`<rect x="${LABEL_W + 130}" y="28" width="12" height="${BAR_H}" fill="${COLORS.turbofan}"/><text x="${LABEL_W + 146}" y="37">wasmjit / TurboFan</text>`);
  // Grid: one line per power of two, parity drawn darker.
  const bottom = TOP + all.length * ROW_H + gap;
  for (let e = lo; e <= hi; e++) {
    const gx = x(2 ** e).toFixed(1);
    const strong = e === 0;
    out.push(`<line x1="${gx}" y1="${TOP - 6}" x2="${gx}" y2="${bottom}" stroke="${strong ? '#333' : '#ddd'}" stroke-width="${strong ? 1.5 : 1}"/>`);
    out.push(`<text x="${gx}" y="${bottom + 16}" text-anchor="middle" fill="#555">${e < 0 ? `1/${2 ** -e}` : `${2 ** e}×`}</text>`);
  }
  out.push(`<text x="${(LABEL_W + PLOT_W / 2).toFixed(0)}" y="${bottom + 30}" text-anchor="middle" fill="#555">← wasmjit faster · slower →</text>`);
  const one = x(1);
  all.forEach((r, i) => {
    const y = TOP + i * ROW_H + (i >= rows.length ? gap : 0);
    if (i === rows.length && gap > 0) out.push(`<line x1="0" y1="${y - gap / 2}" x2="${width}" y2="${y - gap / 2}" stroke="#999"/>`);
    out.push(`<text x="${LABEL_W - 8}" y="${y + BAR_H + 4}" text-anchor="end">${escapeXml(r.name)}</text>`);
    if (r.liftoff === null && r.turbofan === null) {
      out.push(`<text x="${(one + 6).toFixed(1)}" y="${y + BAR_H + 4}" fill="#999" font-style="italic">${escapeXml(r.note ?? 'no result')}</text>`);
      return;
    }
    (['liftoff', 'turbofan'] as const).forEach((k, j) => {
      const v = r[k];
      if (v === null) return;
      const bx = x(v);
      const left = Math.min(one, bx);
      const w = Math.max(1, Math.abs(bx - one));
      const by = y + j * (BAR_H + 1);
      out.push(`<rect x="${left.toFixed(1)}" y="${by}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${COLORS[k]}"><title>${escapeXml(`${r.name} wasmjit/${k}: ${v.toFixed(2)}`)}</title></rect>`);
      const tx = bx >= one ? bx + 3 : bx - 3;
      out.push(`<text x="${tx.toFixed(1)}" y="${by + BAR_H - 1}" font-size="9" text-anchor="${bx >= one ? 'start' : 'end'}" fill="#333">${v.toFixed(2)}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
