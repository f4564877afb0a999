// Every disassembly fixture's listing matches the one checked in beside it (see fixtures.ts).
// A difference fails with a unified diff; `pnpm test:disas --bless` accepts the new code.
import { expect } from 'chai';
import { listFixtures, listingDiff, readExpected, renderFixture } from './fixtures.js';

/** The floor: every op family, traps, calls, br_table, fused compares, interrupts, both bounds modes. */
const MIN_FIXTURES = 60;

describe('disassembly fixtures (fixtures/disas)', function () {
  this.timeout(60_000);
  const fixtures = listFixtures();

  it(`has at least ${MIN_FIXTURES} fixtures, each with its listing`, () => {
    expect(fixtures.length).to.be.at.least(MIN_FIXTURES);
    const missing = fixtures.filter((f) => readExpected(f) === undefined).map((f) => `${f.name}.disas`);
    expect(missing, 'run `pnpm test:disas --bless` to write them').to.deep.equal([]);
  });

  for (const f of fixtures) {
    it(f.name, async () => {
      const actual = await renderFixture(f);
      const expected = readExpected(f);
      if (expected === undefined) throw new Error(`${f.name}.disas is missing: run \`pnpm test:disas --bless\``);
      if (actual !== expected) {
        throw new Error(`${f.name}: the generated code changed (accept it with \`pnpm test:disas --bless\`)\n${listingDiff(f, actual)}`);
      }
    });
  }
});
