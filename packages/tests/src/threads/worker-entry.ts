// Worker side of the thread tests (post-module.test.ts): one request per message, answered
// with what the test checks. Modules it adopts are kept in `held` until a 'drop' request
// or the worker's exit, so that tests can exit workers that still hold them.
import { parentPort } from 'node:worker_threads';
import { Engine, fromPostedModule, Instance, type Module } from '@wasmjit/runtime';
import { native } from '../../../runtime/dist/native.js';
import { postedModuleStats } from '../../../runtime/dist/threads/posted-module.js';

export type Request =
  /** Compiles `warmup` first (to give this thread's signature ids another order), then
   * adopts each posted module, instantiates it and makes the calls. */
  | { cmd: 'adopt'; posted: unknown[]; warmup?: Uint8Array; engine?: 'default' | 'fuel'; calls: Call[] }
  /** Calls functions of the instances adopted before (e.g. after the sender dropped its module). */
  | { cmd: 'call'; calls: Call[] }
  | { cmd: 'drop' };

export interface Call {
  /** Index into the posted modules of the last 'adopt'. */
  module: number;
  name: string;
  args: number[];
}

export interface Reply {
  results: ({ value: unknown } | { error: string })[];
  before: { live: number; made: number; shared: number };
  after: { live: number; made: number; shared: number };
  stats: { adopted: number; compiled: number };
  error?: string;
}

const held: { modules: Module[]; instances: Instance[] } = { modules: [], instances: [] };

function run(calls: Call[]): Reply['results'] {
  return calls.map((c) => {
    try {
      return { value: (held.instances[c.module]!.exports[c.name] as (...a: number[]) => unknown)(...c.args) };
    } catch (e) {
      // The trap code where there is one (messages are V8's texts).
      return { error: (e as { trap?: string }).trap ?? (e as Error).message };
    }
  });
}

parentPort!.on('message', (r: Request) => {
  const before = native.codeStats();
  let results: Reply['results'] = [];
  let error: string | undefined;
  try {
    if (r.cmd === 'adopt') {
      // 'fuel': an engine that does not consume fuel itself, but gives its instances little.
      const engine = r.engine === 'fuel' ? new Engine({ initialFuel: 1000 }) : new Engine();
      if (r.warmup) new Instance(engine.compile(r.warmup));
      held.modules = r.posted.map((p) => fromPostedModule(p, engine));
      held.instances = held.modules.map((m) => new Instance(m, {}, engine));
      results = run(r.calls);
    } else if (r.cmd === 'call') {
      results = run(r.calls);
    } else {
      held.modules = [];
      held.instances = [];
    }
  } catch (e) {
    error = `${(e as Error).name}: ${(e as Error).message}`;
  }
  const reply: Reply = { results, before, after: native.codeStats(), stats: { ...postedModuleStats }, ...(error ? { error } : {}) };
  parentPort!.postMessage(reply);
});
