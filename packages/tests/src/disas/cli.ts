// `pnpm test:disas [--bless] [NAME-SUBSTRING...]`: compares each disassembly fixture's listing
// with the checked-in one and prints a unified diff per difference; with --bless, writes the
// new listings instead (and the listings of new fixtures). Exit 1 when something differed
// and was not blessed.
import { writeFileSync } from 'node:fs';
import { listFixtures, listingDiff, readExpected, renderFixture } from './fixtures.js';

const args = process.argv.slice(2);
const bless = args.includes('--bless');
const filters = args.filter((a) => a !== '--bless');
const unknown = filters.filter((a) => a.startsWith('-'));
if (unknown.length) {
  process.stderr.write(`unknown option ${unknown[0]}; usage: test:disas [--bless] [NAME-SUBSTRING...]\n`);
  process.exit(2);
}

const fixtures = listFixtures().filter((f) => filters.length === 0 || filters.some((s) => f.name.includes(s)));
let same = 0;
const changed: string[] = [];
for (const f of fixtures) {
  const actual = await renderFixture(f);
  const expected = readExpected(f);
  if (actual === expected) {
    same++;
    continue;
  }
  changed.push(f.name);
  if (bless) writeFileSync(f.expectedPath, actual);
  else process.stdout.write(expected === undefined ? `${f.name}.disas: missing\n` : listingDiff(f, actual));
}
const verb = bless ? 'blessed' : 'differ';
process.stdout.write(`disas: ${fixtures.length} fixtures, ${same} unchanged, ${changed.length} ${verb}${changed.length ? `: ${changed.join(' ')}` : ''}\n`);
if (changed.length && !bless) {
  process.stdout.write('accept the new listings with `pnpm test:disas --bless`\n');
  process.exit(1);
}
