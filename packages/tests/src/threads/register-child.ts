// Child process of register-posting.test.ts, run with `--import .../register.js`, so that
// globalThis.WebAssembly is wasmjit's here and in the workers it starts (they inherit
// execArgv). Runs one scenario and prints its findings as JSON.
import { Worker } from 'node:worker_threads';
import { native } from '../../../runtime/dist/native.js';
import { collectGarbage } from '../../../runtime/dist/collect.js';
import { largeModule } from '../util/large-module.js';

type Fn = (...args: number[]) => number;
const WA = globalThis.WebAssembly;

function startWorker(): Worker {
  return new Worker(new URL('./register-worker.js', import.meta.url));
}

function next(w: Worker): Promise<{ type: string; data: unknown }> {
  return new Promise((resolve) => {
    const done = (type: string) => (data: unknown) => {
      w.off('message', onMessage);
      w.off('messageerror', onError);
      resolve({ type, data });
    };
    const onMessage = done('message');
    const onError = done('messageerror');
    w.on('message', onMessage);
    w.on('messageerror', onError);
  });
}

async function post(): Promise<unknown> {
  const bytes = largeModule({ functions: 300, groupsPerFunction: 8 });
  const m = new WA.Module(bytes);
  const expected = (new WA.Instance(m).exports as Record<string, Fn>).run!(6);
  const w = startWorker();
  const made = native.codeStats().made;
  const reply = next(w);
  w.postMessage({ cmd: 'use', m, list: [m, 1], map: new Map([['k', m]]) });
  const { data } = await reply as { data: { m: unknown; report: Record<string, unknown> } };
  const back = data.m;
  const result = {
    worker: data.report,
    expected,
    madeDuring: native.codeStats().made - made,
    backIsModule: back instanceof WA.Module,
    backRuns: (new WA.Instance(back as WebAssembly.Module).exports as Record<string, Fn>).run!(6),
    globalIsWasmjit: WA !== undefined && Object.prototype.toString.call(WA) === '[object WebAssembly]' && typeof (WA as unknown as Record<string, unknown>).Module === 'function' && native !== undefined,
  };
  await w.terminate();
  return result;
}

function uncloneable(): unknown {
  const memory = new WA.Memory({ initial: 1 });
  const table = new WA.Table({ initial: 1, element: 'anyfunc' });
  const global = new WA.Global({ value: 'i32', mutable: true }, 1);
  const instance = new WA.Instance(new WA.Module(largeModule({ functions: 2, groupsPerFunction: 1 })));
  const out: Record<string, string> = {};
  const { port1, port2 } = new MessageChannel();
  for (const [name, value] of Object.entries({ memory, table, global, instance, nested: { deep: [memory] } })) {
    try {
      port1.postMessage({ value });
      out[name] = 'posted';
    } catch (e) {
      out[name] = `${(e as Error).name}: ${(e as Error).message}`;
    }
  }
  port1.close();
  port2.close();
  const m = new WA.Module(largeModule({ functions: 2, groupsPerFunction: 1 }));
  const cloned = structuredClone({ m, again: m });
  out.structuredClone = String(cloned.m instanceof WA.Module && cloned.again === cloned.m && cloned.m !== m);
  return out;
}

async function forged(): Promise<unknown> {
  const w = startWorker();
  const out: Record<string, unknown> = {};
  for (const kind of ['garbage', 'valid-bytes']) {
    const made = native.codeStats().made;
    const got = next(w);
    w.postMessage({ cmd: 'forge', kind });
    const { type, data } = await got;
    out[kind] = {
      type,
      what: type === 'messageerror' ? `${(data as Error).name}: ${(data as Error).message}` : (data as { m: unknown }).m instanceof WA.Module,
      made: native.codeStats().made - made,
    };
  }
  await w.terminate();
  return out;
}

function runOnce(m: WebAssembly.Module): number {
  return (new WA.Instance(m).exports as Record<string, Fn>).run!(1);
}

async function exitHolding(): Promise<unknown> {
  collectGarbage();
  const base = native.codeStats();
  const bytes = largeModule({ functions: 50, groupsPerFunction: 4 });
  let m: WebAssembly.Module | null = new WA.Module(bytes);
  for (let i = 0; i < 3; i++) {
    const w = startWorker();
    const reply = next(w);
    w.postMessage({ cmd: 'hold', modules: [m, m, m] });
    await reply;
    // Exits while holding instances of the module.
    await w.terminate();
  }
  const whileHeld = native.codeStats();
  const runs = runOnce(m);
  // Dropped here too: nothing may be left, on any thread.
  m = null;
  // (In a later task: this function's frame may still hold temporaries until then.)
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  const after = native.codeStats();
  return {
    liveWhileHeld: whileHeld.live - base.live, sharedWhileHeld: whileHeld.shared - base.shared,
    liveAfter: after.live - base.live, sharedAfter: after.shared - base.shared, runs,
  };
}

const scenarios: Record<string, () => unknown> = { post, uncloneable, forged, exitHolding };
const result = await scenarios[process.argv[2]!]!();
process.stdout.write(JSON.stringify(result));
