// Re-derives every golden's text from its bytes with binutils, so that the tables cannot
// drift from what the bytes mean (and each golden is exactly one instruction).
import { expect } from 'chai';
import { ALL_GOLDENS } from './all-goldens.js';
import { assemble, goldenName, toHex } from './golden.js';
import { disassemble, normalizeAsm, skipWithoutObjdump } from './objdump.js';

describe('x64 goldens agree with objdump', function () {
  this.timeout(20_000);

  it('decodes every golden to its text, as one instruction of the encoded length', function () {
    skipWithoutObjdump(this);
    const chunks = ALL_GOLDENS.map((g) => assemble(g.emit));
    const decoded = disassemble(chunks);
    const failures: string[] = [];
    ALL_GOLDENS.forEach((g, i) => {
      const d = decoded[i]!;
      const bytes = chunks[i]!;
      const got = d.map((x) => `${x.text} (${x.length} bytes)`).join(' ; ');
      if (d.length !== 1 || d[0]!.offset !== 0 || d[0]!.length !== bytes.length ||
          d[0]!.text !== normalizeAsm(g.text) || toHex(bytes) !== g.hex) {
        failures.push(`${goldenName(g)} [${toHex(bytes)}, ${bytes.length} bytes]: expected '${g.text}', objdump: ${got}`);
      }
    });
    expect(failures, failures.join('\n')).to.deep.equal([]);
  });
});
