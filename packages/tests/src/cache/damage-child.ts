// Child process of code-cache.test.ts: loads a module from the cache (a hit), then damages
// the entry file on disk — truncated to nothing or to half, or overwritten in place — and
// runs the module, including a trap whose backtrace would read the entry's offset map. A
// module whose code were still backed by the file would die of SIGBUS here; prints JSON.
import { readdirSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Engine, Instance } from '@wasmjit/runtime';
import { readFileSync } from 'node:fs';

const [dir, file, how] = process.argv.slice(2) as [string, string, 'empty' | 'half' | 'overwrite'];
const engine = new Engine({ cache: dir });
const module = engine.compile(readFileSync(file));
const entry = join(dir, readdirSync(dir).find((n) => n.endsWith('.wjcode'))!);
const size = statSync(entry).size;
if (how === 'empty') truncateSync(entry, 0);
else if (how === 'half') truncateSync(entry, size >> 1);
else writeFileSync(entry, new Uint8Array(size).fill(0xcc));
const x = new Instance(module, { env: { log: (v: number) => v * 10 } }).exports as Record<string, (n: number) => number>;
let frames: { funcIndex: number; offset: number }[] = [];
try {
  x.mid!(1);
} catch (e) {
  frames = (e as { frames: { funcIndex: number; offset: number }[] }).frames.map((f) => ({ funcIndex: f.funcIndex, offset: f.offset }));
}
process.stdout.write(JSON.stringify({ hits: engine.cacheStats!.hits, down: x.down!(300), viaHost: x.viaHost!(4), frames }));
