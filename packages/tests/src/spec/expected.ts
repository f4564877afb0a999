// The expected-failures list: `file.wast:LINE  reason` per line, `#` comments.
// It may only shrink: a listed entry that passes is reported as stale.

import { existsSync, readFileSync } from 'node:fs';

export interface ExpectedFailures {
  /** key `file.wast:LINE` -> reason */
  entries: Map<string, string>;
  /** Lines of the file that could not be parsed. */
  errors: string[];
}

export function parseExpectedFailures(text: string): ExpectedFailures {
  const entries = new Map<string, string>();
  const errors: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const m = /^(\S+\.wast):(\d+)(?:\s+(.*))?$/.exec(line);
    if (!m) {
      errors.push(`line ${i + 1}: cannot parse "${raw}"`);
      return;
    }
    const key = `${m[1]}:${Number(m[2])}`;
    if (entries.has(key)) errors.push(`line ${i + 1}: duplicate entry ${key}`);
    entries.set(key, (m[3] ?? '').trim());
  });
  return { entries, errors };
}

export function loadExpectedFailures(path: string | undefined): ExpectedFailures {
  if (path === undefined || !existsSync(path)) return { entries: new Map(), errors: [] };
  return parseExpectedFailures(readFileSync(path, 'utf8'));
}

export function failureKey(file: string, line: number): string {
  return `${file}:${line}`;
}

export function fileOfKey(key: string): string {
  return key.slice(0, key.lastIndexOf(':'));
}
