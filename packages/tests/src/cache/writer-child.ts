// Child process of code-cache.test.ts: compiles a module through an Engine with a code cache
// (synchronously or with compileAsync), runs it, and prints the cache's counters and the
// result as JSON. Several run at once to test concurrent writers of one entry.
import { readFileSync } from 'node:fs';
import { Engine, Instance } from '@wasmjit/runtime';
import { cacheStoreDone } from '../../../runtime/dist/module.js';

const [dir, file, mode] = process.argv.slice(2) as [string, string, 'sync' | 'async'];
const engine = new Engine({ cache: dir });
const bytes = readFileSync(file);
const module = mode === 'async' ? await engine.compileAsync(bytes) : engine.compile(bytes);
const run = (new Instance(module, {}).exports as { run: (n: number) => number }).run;
const result = run(9);
// A lazily compiled module is written once background compilation has compiled it all.
await cacheStoreDone(module);
process.stdout.write(JSON.stringify({ stats: engine.cacheStats, result }));
