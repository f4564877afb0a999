// Round trip: random valid modules from binaryen's translate-to-fuzz, printed to text by wabt
// (folded and flat, with and without inline exports), parsed back by @wasmjit/text; the bytes
// must equal wabt's own parse of the same text, and V8 must accept them.

import { expect } from 'chai';
import { parseWat } from '@wasmjit/text';
import { cleanupTtf, ttfModule } from '../fuzz/ttf.js';
import { loadWabt } from '../util/wat.js';
import { rng } from '../util/rng.js';

const FEATURES = {
  multi_value: true, bulk_memory: true, reference_types: true, sign_extension: true, sat_float_to_int: true, mutable_globals: true,
};
const MODULES = 16;
const SEED = 19;

describe('text: round trip of binaryen-generated modules through wabt\'s printer', function () {
  this.timeout(300_000);
  after(cleanupTtf);

  it(`${MODULES} modules (seed ${SEED}) parse back to the bytes wabt makes of the same text`, async () => {
    const wabt = await loadWabt();
    const rand = rng(SEED);
    const mismatches: string[] = [];
    for (let i = 0; i < MODULES; i++) {
      const entropy = Uint8Array.from({ length: 4096 }, () => Math.floor(rand() * 256));
      const original = await ttfModule(entropy);
      const read = wabt.readWasm(original, { readDebugNames: true, ...FEATURES });
      const text = read.toText({ foldExprs: i % 2 === 0, inlineExport: i % 4 < 2 });
      read.destroy();
      const parsed = wabt.parseWat('m.wat', new TextEncoder().encode(text).slice(), FEATURES);
      const theirs = new Uint8Array(parsed.toBinary({}).buffer);
      parsed.destroy();
      const ours = parseWat(text);
      const equal = ours.length === theirs.length && ours.every((b, k) => b === theirs[k]);
      if (!equal) mismatches.push(`module ${i} (${text.length} chars of text)`);
      expect(WebAssembly.validate(ours as Uint8Array<ArrayBuffer>), `module ${i} validates`).to.equal(true);
    }
    expect(mismatches).to.deep.equal([]);
  });
});
