// Each golden's assembler call must produce exactly its bytes.
import { expect } from 'chai';
import { GOLDEN_TABLES } from './all-goldens.js';
import { assemble, goldenName, toHex } from './golden.js';

describe('x64 assembler goldens', () => {
  for (const [table, goldens] of Object.entries(GOLDEN_TABLES)) {
    describe(table, () => {
      for (const g of goldens) {
        it(`${goldenName(g)}  →  ${g.text}`, () => {
          expect(toHex(assemble(g.emit))).to.equal(g.hex);
        });
      }
    });
  }
});
