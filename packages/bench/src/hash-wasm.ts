// hash-wasm (MIT) ships each hash as a small C-compiled wasm module, embedded base64 in its
// UMD bundles as `{name:"sha256",data:"AGFzbQ…"}`. This reads them out of the installed
// package so the benchmark runs exactly the bytes that package ships.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { packageDir } from './paths.js';

const EMBEDDED = /name:"([a-z0-9]+)",data:"([A-Za-z0-9+/=]+)"/g;

/** Every embedded module in one bundle's text, by name. Pure (exported for the tests). */
export function extractEmbeddedWasm(bundle: string): Map<string, Uint8Array> {
  const found = new Map<string, Uint8Array>();
  for (const m of bundle.matchAll(EMBEDDED)) {
    const bytes = new Uint8Array(Buffer.from(m[2]!, 'base64'));
    // The wasm magic number: anything else means the bundle format changed under us.
    if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) continue;
    found.set(m[1]!, bytes);
  }
  return found;
}

let cache: Map<string, Uint8Array> | undefined;

/** The module hash-wasm uses for `name` (e.g. 'sha256', 'blake3'). */
export function hashWasmModule(name: string): Uint8Array {
  if (!cache) {
    cache = new Map();
    const dist = path.join(packageDir('hash-wasm'), 'dist');
    for (const f of readdirSync(dist).filter((f) => f.endsWith('.umd.min.js')).sort()) {
      for (const [k, v] of extractEmbeddedWasm(readFileSync(path.join(dist, f), 'utf8'))) {
        if (!cache.has(k)) cache.set(k, v);
      }
    }
  }
  const bytes = cache.get(name);
  if (!bytes) throw new Error(`hash-wasm has no embedded module named ${name} (found: ${[...cache.keys()].join(', ')})`);
  return bytes;
}
