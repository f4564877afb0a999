// Byte-for-byte comparison of two scenario output directories (V8's and wasmjit's). Says
// where the first difference is, so a mismatch can be looked at rather than just counted.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The first difference between two byte strings, or null when they are equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): string | null {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) {
      const around = (x: Uint8Array) => Buffer.from(x.subarray(Math.max(0, i - 8), i + 8)).toString('hex');
      return `byte ${i} differs (${a.length} vs ${b.length} bytes; around it: ${around(a)} vs ${around(b)})`;
    }
  }
  return a.length === b.length ? null : `same first ${n} bytes, then lengths ${a.length} vs ${b.length}`;
}

/** Every difference between directories `a` and `b` (file names and contents), as text. */
export function compareOutputDirs(a: string, b: string, labels: [string, string] = ['a', 'b']): string[] {
  const files = (dir: string) => readdirSync(dir).sort();
  const fa = files(a);
  const fb = files(b);
  const diffs: string[] = [];
  for (const f of fa) if (!fb.includes(f)) diffs.push(`${f}: only in ${labels[0]}'s outputs`);
  for (const f of fb) if (!fa.includes(f)) diffs.push(`${f}: only in ${labels[1]}'s outputs`);
  for (const f of fa.filter((x) => fb.includes(x))) {
    const d = firstDifference(new Uint8Array(readFileSync(path.join(a, f))), new Uint8Array(readFileSync(path.join(b, f))));
    if (d) diffs.push(`${f}: ${d}`);
  }
  return diffs;
}
