// Golden check against wabt over the official testsuite (../shared/spec, read in place): every
// text module wabt can encode must come out of @wasmjit/text with the same bytes, except the
// documented cases below where wabt's encoding is not the one the spec text means.
// Also: every text-format assert_malformed case must be rejected by our parser.

import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTRUCTIONS, parseWat, TextError } from '@wasmjit/text';
import { OP_FC_NAMES, OP_NAMES } from '@wasmjit/codegen';
import { findSpecDir } from '../spec/suite.js';
import { loadWabt, quotedModuleText, watToBinary, CORE_FEATURES } from '../spec/wat.js';
import { parseWast } from '@wasmjit/text';

/** Where our bytes deliberately differ from wabt's, and why. */
const KNOWN_DIFFERENCES: Record<string, string> = {
  // `select (result)` is the typed select with zero types (0x1c 0x00), which the spec rejects
  // as "invalid result arity"; wabt drops the empty list and emits the untyped 0x1b.
  'select.wast:323': 'typed select with an empty result list',
};

const FEATURES = { ...CORE_FEATURES, simd: true };

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

interface TextModule {
  key: string;
  text: string;
  malformed: boolean;
}

function textModules(dir: string): TextModule[] {
  const out: TextModule[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.wast')).sort()) {
    for (const cmd of parseWast(readFileSync(join(dir, f), 'utf8'))) {
      if (!('module' in cmd) || cmd.kind === 'register') continue;
      const s = cmd.module.source;
      if (s.kind === 'binary') continue;
      out.push({
        key: `${f}:${cmd.line}`,
        text: s.kind === 'quote' ? quotedModuleText(s.text) : s.text,
        malformed: cmd.kind === 'assert_malformed',
      });
    }
  }
  return out;
}

describe('text: golden bytes against wabt on the spec testsuite', function () {
  this.timeout(300_000);
  const spec = findSpecDir();
  if ('absent' in spec) {
    it(`is skipped: ${spec.absent}`, function () {
      this.skip();
    });
    return;
  }
  const modules = textModules(spec.dir);

  it('encodes every module wabt encodes to the same bytes', async () => {
    const wabt = await loadWabt();
    const mismatches: string[] = [];
    let same = 0;
    let documented = 0;
    for (const m of modules.filter((x) => !x.malformed)) {
      const w = watToBinary(wabt, m.text, FEATURES);
      if ('error' in w) continue;
      let ours: Uint8Array;
      try {
        ours = parseWat(m.text, { standard: '2.0' });
      } catch (e) {
        mismatches.push(`${m.key}: our parser rejects it: ${(e as Error).message}`);
        continue;
      }
      const equal = sameBytes(ours, w.bytes);
      if (equal && KNOWN_DIFFERENCES[m.key]) mismatches.push(`${m.key}: listed as a known difference but now equal`);
      else if (equal) same++;
      else if (KNOWN_DIFFERENCES[m.key]) documented++;
      else mismatches.push(`${m.key}: bytes differ`);
    }
    expect(mismatches.slice(0, 20)).to.deep.equal([]);
    expect(documented).to.equal(Object.keys(KNOWN_DIFFERENCES).length);
    // 3776 modules at the time of writing, SIMD files included; guard against silently testing nothing.
    expect(same).to.be.greaterThan(3000);
  });

  it('rejects every text-format assert_malformed module', () => {
    const accepted: string[] = [];
    let rejected = 0;
    for (const m of modules.filter((x) => x.malformed)) {
      try {
        parseWat(m.text, { standard: '2.0' });
        accepted.push(m.key);
      } catch (e) {
        if (!(e instanceof TextError)) throw e;
        rejected++;
      }
    }
    expect(accepted).to.deep.equal([]);
    const simd = modules.filter((x) => x.malformed && x.key.startsWith('simd_')).length;
    // The issue counts 567 outside the SIMD files; the SIMD files add their own.
    expect(rejected - simd).to.equal(567);
  });
});

describe('text: instruction table', () => {
  it('has a mnemonic for every opcode codegen names, with the same encoding', () => {
    OP_NAMES.forEach((name, op) => {
      if (!name || name.startsWith('<')) return;
      const info = INSTRUCTIONS.get(name);
      expect(info, name).to.not.equal(undefined);
      expect(info!.code, name).to.equal(op === 0x1c ? 0x1b : op); // select: typed form picked by syntax
    });
    OP_FC_NAMES.forEach((name, sub) => expect(INSTRUCTIONS.get(name), name).to.deep.include({ code: 0xfc, sub }));
  });
});
