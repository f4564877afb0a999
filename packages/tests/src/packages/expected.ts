// The package expected-failures list (packages-expected-failures.txt): `scenario | text the
// failure must contain | reason` per line, `#` comments.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/tests/packages-expected-failures.txt (this file is dist/packages/expected.js once built). */
export const EXPECTED_FAILURES_FILE = path.join(path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url)))), 'packages-expected-failures.txt');

export interface ExpectedFailure {
  /** A substring of the failure as the test describes it (error message or difference). */
  symptom: string;
  reason: string;
}

export interface ExpectedFailures {
  entries: Map<string, ExpectedFailure>;
  /** Lines that could not be parsed. */
  errors: string[];
}

export function parseExpectedFailures(text: string): ExpectedFailures {
  const entries = new Map<string, ExpectedFailure>();
  const errors: string[] = [];
  text.split('\n').forEach((raw, i) => {
    if (/^\s*(#|$)/.test(raw)) return;
    const parts = raw.split(' | ').map((p) => p.trim());
    if (parts.length !== 3 || parts.some((p) => p === '')) {
      errors.push(`line ${i + 1}: expected "scenario | failure text | reason", got "${raw}"`);
      return;
    }
    const [name, symptom, reason] = parts as [string, string, string];
    if (entries.has(name)) errors.push(`line ${i + 1}: duplicate entry ${name}`);
    entries.set(name, { symptom, reason });
  });
  return { entries, errors };
}

export function loadExpectedFailures(file = EXPECTED_FAILURES_FILE): ExpectedFailures {
  return parseExpectedFailures(readFileSync(file, 'utf8'));
}
