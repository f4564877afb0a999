// Disassembly fixtures (packages/tests/fixtures/disas): each NAME.wat has the listing
// `wasmjit explore` prints for it checked in beside it as NAME.disas. The listing comes from
// the CLI's own code (runtime cli/listing.ts) with the Engine's defaults, unless the fixture's
// first line names options: `;; options: boundsChecks=explicit epochInterruption consumeFuel`.
// When code generation changes on purpose, `pnpm test:disas --bless` rewrites the listings
// and the commit's diff shows the change instruction by instruction.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildListings, compileForListing, functionRelative, renderListingText, type ListingEngineOptions } from '../../../runtime/dist/cli/listing.js';
import { objdumpAvailable } from '../../../runtime/dist/cli/disasm.js';
import { wat } from '../util/wat.js';

/** packages/tests/fixtures/disas, from dist/disas or src/disas alike. */
export const FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/disas');

export interface Fixture {
  name: string;
  watPath: string;
  expectedPath: string;
}

export function listFixtures(): Fixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.wat'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.wat'.length);
      return { name, watPath: path.join(FIXTURE_DIR, f), expectedPath: path.join(FIXTURE_DIR, `${name}.disas`) };
    });
}

const FLAGS = ['epochInterruption', 'consumeFuel'] as const;

/** The options line of a fixture: `;; options: key=value flag ...` (only on line 1). */
export function parseOptions(text: string): ListingEngineOptions {
  const m = /^;;\s*options:(.*)$/m.exec(text.split('\n', 1)[0]!);
  const options: ListingEngineOptions = {};
  if (!m) return options;
  for (const word of m[1]!.trim().split(/\s+/).filter(Boolean)) {
    const [key, value] = word.split('=') as [string, string | undefined];
    if (key === 'boundsChecks' && (value === 'guard' || value === 'explicit')) options.boundsChecks = value;
    else if ((FLAGS as readonly string[]).includes(key) && value === undefined) options[key as (typeof FLAGS)[number]] = true;
    else throw new Error(`unknown fixture option '${word}' (known: boundsChecks=guard|explicit, ${FLAGS.join(', ')})`);
  }
  return options;
}

/** The listing of a fixture as it is checked in: a header naming the options, then explore's text. */
export async function renderFixture(f: Fixture): Promise<string> {
  if (!objdumpAvailable()) throw new Error('the disassembly fixtures need binutils objdump on PATH');
  const text = readFileSync(f.watPath, 'utf8');
  const options = parseOptions(text);
  let listings;
  let style;
  try {
    const compiled = compileForListing(await wat(text, { names: true }), options);
    listings = buildListings(compiled, 'objdump');
    style = functionRelative(compiled.compiled);
  } catch (e) {
    throw new Error(`${f.name}.wat: ${(e as Error).message}`, { cause: e });
  }
  const shown = Object.entries(options).map(([k, v]) => (v === true ? k : `${k}=${String(v)}`)).join(' ') || 'engine defaults';
  return `;; ${f.name}.wat (${shown}): x86-64 by objdump (Intel syntax), addresses from each function's start\n\n` +
    listings.map((l) => renderListingText(l, style)).join('');
}

export function readExpected(f: Fixture): string | undefined {
  return existsSync(f.expectedPath) ? readFileSync(f.expectedPath, 'utf8') : undefined;
}

/** A unified diff expected → actual (diff(1)), or a plain note when diff is not installed. */
export function listingDiff(f: Fixture, actual: string): string {
  const r = spawnSync('diff', ['-u', '--label', `${f.name}.disas (checked in)`, '--label', `${f.name}.disas (now)`, f.expectedPath, '-'], {
    input: actual, encoding: 'utf8',
  });
  if (r.status === 1) return r.stdout;
  return `${f.name}.disas differs from the generated listing (diff(1) unavailable)`;
}
