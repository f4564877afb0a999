// Every disassembly fixture's listing matches the one checked in beside it (see fixtures.ts).
// A difference fails with a unified diff; `pnpm test:disas --bless` accepts the new code.
import { expect } from 'chai';
import { Engine } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';
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

  it("a listing does not depend on the signatures the process registered before", async () => {
    // 150 new function types (every module type gets an id at compile time) move the
    // process-wide signature ids past the imm8 range.
    const types = Array.from({ length: 150 }, (_, i) => `(type (func (param ${'i64 '.repeat(i % 30)}f32) (result ${'f64 '.repeat(1 + Math.floor(i / 30))})))`);
    new Engine().compile(await wat(`(module ${types.join(' ')} (func))`));
    const f = fixtures.find((x) => x.name === 'call-indirect')!;
    expect(await renderFixture(f)).to.equal(readExpected(f));
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
