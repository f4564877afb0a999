// `--name value` / `--flag` parsing for the fuzz commands (no dependency for four options).

export function parseArgs(argv: string[], known: Record<string, 'number' | 'string' | 'flag' | 'list'>): Map<string, string | number | boolean | number[]> {
  const out = new Map<string, string | number | boolean | number[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    const kind = known[name];
    if (!kind) throw new Error(`unknown option --${name} (known: ${Object.keys(known).map((k) => `--${k}`).join(' ')})`);
    if (kind === 'flag') {
      out.set(name, true);
      continue;
    }
    const v = inline ?? argv[++i];
    if (v === undefined) throw new Error(`--${name} needs a value`);
    if (kind === 'string') out.set(name, v);
    else if (kind === 'list') out.set(name, v.split(',').map((x) => parseIntStrict(name, x)));
    else out.set(name, parseIntStrict(name, v));
  }
  return out;
}

function parseIntStrict(name: string, v: string): number {
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} expects a non-negative integer, got ${v}`);
  return n;
}
