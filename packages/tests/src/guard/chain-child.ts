// Child-process entry of chain.test.ts: `node chain-child.js <scenario>`. Every scenario
// first proves the guard handler is installed and working (one out-of-bounds trap), writes
// "ready" to stderr, then does what it is named after; the test checks how the process ends.
import { setFlagsFromString } from 'node:v8';
import { Engine } from '@wasmjit/runtime';
import { loadCode } from '../../../runtime/dist/code-memory.js';
import { native, PAGE, trapOf, wat, type Exports } from './support.js';

const MEMORY_WAT = `(module (memory (export "mem") 1)
  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))`;

async function guardInstance(mode: 'guard' | 'explicit' = 'guard'): Promise<Exports> {
  const engine = new Engine({ boundsChecks: mode });
  return engine.instantiate(engine.compile(await wat(MEMORY_WAT))).exports as Exports;
}

async function ready(): Promise<Exports> {
  const ex = await guardInstance();
  const trap = trapOf(() => ex.peek!(PAGE));
  if (trap !== 'out_of_bounds_memory' || !native.signalHandlerInstalled() || native.signalCount() !== 1) {
    throw new Error(`handler not working: ${trap}, ${native.signalHandlerInstalled()}, ${native.signalCount()}`);
  }
  process.stderr.write('ready\n');
  return ex;
}

/** V8's wasm: an out-of-bounds load, which traps through V8's own signal handler. */
async function v8Oob(): Promise<string> {
  const inst = new WebAssembly.Instance(new WebAssembly.Module((await wat(MEMORY_WAT)) as Uint8Array<ArrayBuffer>));
  try {
    (inst.exports.peek as (a: number) => number)(PAGE);
    return 'no trap';
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

const scenarios: Record<string, () => Promise<void>> = {
  // A segfault in native code outside JIT code (the add-on's testCrash).
  async 'native-crash'() {
    await ready();
    native.testCrash();
  },
  // SIGSEGV / SIGBUS sent by kill(): not a fault at all, passed on, default action.
  async 'kill-segv'() {
    await ready();
    process.kill(process.pid, 'SIGSEGV');
    await new Promise((r) => setTimeout(r, 5000));
  },
  async 'kill-bus'() {
    await ready();
    process.kill(process.pid, 'SIGBUS');
    await new Promise((r) => setTimeout(r, 5000));
  },
  // JIT code (registered) faulting outside every memory reservation: not ours.
  async 'jit-fault-outside-memory'() {
    await ready();
    // mov rax, 16 ; mov eax, [rax] ; ret
    const code = loadCode(Uint8Array.from([0x48, 0xc7, 0xc0, 0x10, 0, 0, 0, 0x8b, 0x00, 0xc3]));
    const vmctx = await vmctxOf();
    native.invoke(code.address, vmctx, 0);
  },
  // Non-JIT code (V8 writing through a typed array) faulting inside a guarded reservation.
  async 'host-fault-in-reservation'() {
    await ready();
    // A published reservation with one committed page, aliased past that page.
    const reserved = native.reserveMemory(2 * PAGE, true);
    if (typeof reserved === 'number') throw new Error(`reserveMemory failed: ${reserved}`);
    native.commitMemory(reserved[0], 0, PAGE);
    const past = new Uint8Array(native.memoryBuffer(reserved[0], 2 * PAGE));
    past[PAGE + 8] = 1;
  },
  // V8's own wasm still traps out of bounds, before and after ours is installed, and V8's
  // trap handler (signals) is really what it uses here.
  async 'v8-wasm'() {
    setFlagsFromString('--allow-natives-syntax');
    const v8TrapHandler = new Function('return %IsWasmTrapHandlerEnabled()')() as boolean;
    const before = await v8Oob();
    const ex = await ready();
    const after = await v8Oob();
    const ours = trapOf(() => ex.peek!(PAGE + 100));
    const afterAgain = await v8Oob();
    process.stdout.write(JSON.stringify({ v8TrapHandler, before, after, afterAgain, ours, count: native.signalCount() }));
  },
  // Explicit bounds checks only: out-of-bounds traps, and no handler is ever installed.
  async 'explicit-only'() {
    const ex = await guardInstance('explicit');
    const trap = trapOf(() => ex.peek!(PAGE));
    process.stdout.write(JSON.stringify({ trap, installed: native.signalHandlerInstalled(), count: native.signalCount() }));
  },
};

/** A vmctx good enough for hand-written code: the one of a real instance. */
async function vmctxOf(): Promise<number> {
  const { makeVmctx } = await import('../native/helpers.js');
  return makeVmctx().address;
}

const name = process.argv[2] ?? '';
const run = scenarios[name];
if (!run) throw new Error(`unknown scenario ${name}`);
await run();
