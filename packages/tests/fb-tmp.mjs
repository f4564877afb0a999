import { readFileSync } from 'node:fs';
const ff = await import('../text/dist/float-fast.js');
const s = readFileSync(process.argv[2], 'utf8');
const toks = s.match(/[-+]?(0x[0-9a-fA-F._pP+-]+|[0-9][0-9._eE+-]*|inf|nan[:0-9a-fx]*)/g);
const miss = new Map();
for (const t of toks) { if (ff.exactHexValue(t) === ff.exactHexValue(t) || ff.isPlainDecimal(t)) continue; miss.set(t, (miss.get(t) ?? 0) + 1); }
console.log([...miss].sort((a, b) => b[1] - a[1]).slice(0, 15));
