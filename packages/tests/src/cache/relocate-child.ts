// Child process of serialize.test.ts: a fresh process that registers other signatures
// first (so its signature ids differ from the parent's), then loads a module the parent
// serialized and runs its call_indirects. Prints the results as JSON.
import { readFileSync } from 'node:fs';
import { Engine, Instance, Module } from '@wasmjit/runtime';

const [file, otherFile] = process.argv.slice(2) as [string, string];
const engine = new Engine();
// Registers four signatures before the module's: the ids the parent compiled in are wrong here.
new Module(readFileSync(otherFile), engine);
const module = Module.deserialize(readFileSync(file), engine);
const x = new Instance(module, {}).exports as Record<string, (...a: unknown[]) => unknown>;
const attempt = (f: () => unknown) => {
  try {
    return { value: String(f()) };
  } catch (e) {
    return { error: String(e) };
  }
};
process.stdout.write(JSON.stringify({
  a: attempt(() => x.callA!(0, 7)),
  b: attempt(() => x.callB!(1, 41n)),
  aAsB: attempt(() => x.callA!(1, 7)),
  bAsA: attempt(() => x.callB!(0, 7n)),
}));
