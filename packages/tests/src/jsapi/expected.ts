// The JS-API expected-failures lists: `file | test name | reason` per line, `#` comments.
// A test name `(harness)` stands for errors outside any test (a setup() or top-level
// exception). The lists may only shrink: a listed test that passes, or that no longer
// exists, is reported as stale.
import { existsSync, readFileSync } from 'node:fs';

export const HARNESS = '(harness)';

export interface ExpectedFailures {
  /** key (see failureKey) -> reason */
  entries: Map<string, string>;
  /** Lines of the file that could not be parsed. */
  errors: string[];
}

export function failureKey(file: string, test: string): string {
  return `${file} | ${test}`;
}

export function fileOfKey(key: string): string {
  return key.slice(0, key.indexOf(' | '));
}

export function parseExpectedFailures(text: string): ExpectedFailures {
  const entries = new Map<string, string>();
  const errors: string[] = [];
  text.split('\n').forEach((raw, i) => {
    if (/^\s*(#|$)/.test(raw)) return;
    const parts = raw.split(' | ');
    if (parts.length !== 3 || parts.some((p) => p.trim() === '')) {
      errors.push(`line ${i + 1}: expected "file | test name | reason", got "${raw}"`);
      return;
    }
    const key = failureKey(parts[0]!.trim(), parts[1]!);
    if (entries.has(key)) errors.push(`line ${i + 1}: duplicate entry ${key}`);
    entries.set(key, parts[2]!.trim());
  });
  return { entries, errors };
}

export function loadExpectedFailures(path: string): ExpectedFailures {
  if (!existsSync(path)) return { entries: new Map(), errors: [] };
  return parseExpectedFailures(readFileSync(path, 'utf8'));
}
