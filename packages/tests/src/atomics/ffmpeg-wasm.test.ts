// What the ffmpeg package scenario (packages/bench, `pnpm test:packages`) exercises: the
// single-thread @ffmpeg/core build declares an unshared memory and still uses the threads
// proposal's 0xFE operators, which wasmjit now compiles. Counted by walking every body.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BinaryReader, decodeModule, ImmKind, OP_IMM, PREFIX_SPACES, readImmediates, validateModuleBytes } from '@wasmjit/codegen';

const require = createRequire(path.join(process.cwd(), '../bench/package.json'));

function ffmpegWasm(): Uint8Array {
  const entry = require.resolve('@ffmpeg/core');
  return new Uint8Array(readFileSync(path.join(path.dirname(entry), 'ffmpeg-core.wasm')));
}

/** Uses of each 0xFE operator, by mnemonic. */
function atomicUses(bytes: Uint8Array): Map<string, number> {
  const m = decodeModule(bytes);
  const uses = new Map<string, number>();
  const names = PREFIX_SPACES[0xfe]!.names;
  for (const code of m.codes) {
    const r = new BinaryReader(bytes, code.bodyStart, code.bodyEnd);
    while (r.pos < code.bodyEnd) {
      const at = r.pos;
      const op = r.readU8();
      if (op === 0xfe && OP_IMM[op] === ImmKind.Prefix) {
        const sub = new BinaryReader(bytes, at + 1).readVarU32();
        uses.set(names[sub]!, (uses.get(names[sub]!) ?? 0) + 1);
      }
      readImmediates(r, op, at);
    }
  }
  return uses;
}

describe('atomics: @ffmpeg/core 0.12.10 wasm', function () {
  this.timeout(120_000);

  it('uses atomic operators on an unshared memory, and wasmjit validates it', () => {
    const bytes = ffmpegWasm();
    const m = decodeModule(bytes);
    // One memory, unshared: the decoder still refuses shared ones.
    expect(m.memories.length).to.equal(1);
    const uses = atomicUses(bytes);
    const total = [...uses.values()].reduce((a, b) => a + b, 0);
    expect(total, JSON.stringify([...uses])).to.be.greaterThan(0);
    expect(() => validateModuleBytes(bytes)).to.not.throw();
  });
});
