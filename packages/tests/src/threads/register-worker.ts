// Worker of register-child.ts: it runs under the register hook too (inherited execArgv), so
// globalThis.WebAssembly is wasmjit's and posted modules arrive as modules.
import { parentPort } from 'node:worker_threads';
import { native } from '../../../runtime/dist/native.js';
import { POSTED_MODULE_MARK } from '../../../runtime/dist/threads/posted-module.js';
import { largeModule } from '../util/large-module.js';

type Fn = (...args: number[]) => number;
const WA = globalThis.WebAssembly;
const held: unknown[] = [];

function forgedModule(bytes: Uint8Array): object {
  const sab = new SharedArrayBuffer(bytes.length);
  new Uint8Array(sab).set(bytes);
  // An id nothing registered, and bytes of the attacker's choosing.
  return { [POSTED_MODULE_MARK]: 1, kind: 'WebAssembly.Module', id: 'ab'.repeat(16), bytes: sab };
}

parentPort!.on('message', (msg: { cmd: string; m?: unknown; list?: unknown[]; map?: Map<string, unknown>; kind?: string; modules?: unknown[] }) => {
  if (msg.cmd === 'use') {
    const before = native.codeStats().made;
    const m = msg.m as WebAssembly.Module;
    const report = {
      isModule: m instanceof WA.Module,
      sameInList: msg.list![0] === m,
      sameInMap: msg.map!.get('k') === m,
      run: (new WA.Instance(m).exports as Record<string, Fn>).run!(6),
      exports: WA.Module.exports(m).map((e) => e.name),
      madeHere: native.codeStats().made - before,
    };
    parentPort!.postMessage({ report, m });
  } else if (msg.cmd === 'forge') {
    const bytes = msg.kind === 'garbage'
      ? new Uint8Array([0xcc, 0xc3, 0x90, 0x90, 0x48, 0x31, 0xc0, 0xc3])
      : largeModule({ functions: 3, groupsPerFunction: 1 });
    parentPort!.postMessage({ m: forgedModule(bytes) });
  } else if (msg.cmd === 'hold') {
    for (const m of msg.modules!) held.push(new WA.Instance(m as WebAssembly.Module));
    parentPort!.postMessage('held');
  }
});
