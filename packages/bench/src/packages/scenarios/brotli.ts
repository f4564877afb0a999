// brotli-wasm (the Rust brotli crate through wasm-bindgen; its Node build compiles the wasm
// when required): generated text and random bytes compressed at two qualities and through
// the streaming API, each decompressed again and checked against the input.
import { createRequire } from 'node:module';
import type * as Brotli from 'brotli-wasm';
import { prose, randomBytes } from '../inputs.js';
import { scenario } from '../scenario.js';

const require = createRequire(import.meta.url);

type BrotliApi = typeof Brotli;

export const TEXT_BYTES = 512 * 1024;

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** Compresses through CompressStream in 4 KiB output steps, feeding 10,000-byte input chunks. */
function streamCompress(brotli: BrotliApi, input: Uint8Array, quality: number): Uint8Array {
  const stream = new brotli.CompressStream(quality);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const chunk = at < input.length ? input.subarray(at, at + 10_000) : undefined;
    const r = stream.compress(chunk, 4096);
    parts.push(r.buf);
    if (chunk) at += r.input_offset;
    const code = r.code;
    r.free();
    if (!chunk && code === brotli.BrotliStreamResultCode.ResultSuccess) break;
  }
  stream.free();
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export default scenario({
  name: 'brotli-wasm',
  pkg: 'brotli-wasm',
  what: `compress ${TEXT_BYTES / 1024} KiB of text at quality 11 and 5 and through the stream API, 64 KiB of random bytes; decompress all`,
  timed: true,
  async load() {
    // Its CommonJS entry is the Node build (the ESM one fetches the wasm, as in a browser).
    return require('brotli-wasm') as BrotliApi;
  },
  async run(brotli) {
    const text = new TextEncoder().encode(prose(20, TEXT_BYTES));
    const noise = randomBytes(21, 64 * 1024);
    const outputs: Record<string, Uint8Array> = {
      'text-q11.br': brotli.compress(text, { quality: 11 }),
      'text-q5.br': brotli.compress(text, { quality: 5 }),
      'text-stream-q7.br': streamCompress(brotli, text, 7),
      'noise-q9.br': brotli.compress(noise, { quality: 9 }),
    };
    const checks = Object.entries(outputs).map(([name, compressed]) => {
      const back = brotli.decompress(compressed);
      const input = name.startsWith('noise') ? noise : text;
      return `${name} ${compressed.length} -> ${back.length} ${equal(back, input) ? 'round trip ok' : 'ROUND TRIP DIFFERS'}`;
    });
    return { ...outputs, 'round-trips.txt': `${checks.join('\n')}\n` };
  },
});
