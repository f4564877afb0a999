// Native host_call reaches JS through one argument-less dispatcher per thread: the call
// buffer's HostCallTarget slot holds (instance id, index), which selects the pre-built closure
// that converts the arguments and calls the JS import, or, for indexes at or above
// BUILTIN_BASE, the instance's runtime builtin.
import { BUILTIN_BASE, CallBuffer } from '@wasmjit/codegen';
import { native } from './native.js';
import { cbI32 } from './call-buffer.js';
import { onCollection } from './collect.js';

/** Per instance id: its import closures, then its builtins at BUILTIN_BASE + Builtin. */
interface Registered {
  hostCalls: (() => void)[];
  builtins: (() => void)[];
  /** Run once the instance is collected (see onInstanceCollected). */
  cleanups: (() => void)[];
  /** Set by retireInstance: host calls then throw. */
  retired: boolean;
}

// An array, not a Map: the lookup is on every host call. Ids of collected instances are
// reused (freeIds) so it stays dense; slot 0 is never an id.
const instances: (Registered | undefined)[] = [undefined];
const freeIds: number[] = [];

// An instance's code can only run while something holds one of its functions, and every
// such path (exports, imports into other instances, table entries) keeps the Instance
// reachable; so once it is collected no host call can name its id any more, and the id can
// go to the next instance. The Instance holds a native tracker for its id: its collection is
// reported synchronously (native/src/collected.c), even inside a synchronous loop where a
// FinalizationRegistry would never run, and what the entry kept (imports, the Memory of the
// builtins) is dropped on the next registration or forced collection.
function releaseCollected(): void {
  for (const id of native.takeCollected()) {
    const reg = instances[id];
    instances[id] = undefined;
    freeIds.push(id);
    reg?.cleanups.forEach((cleanup) => cleanup());
  }
}
onCollection(releaseCollected);

/**
 * Registers an instance's host calls and builtins; returns its id and the tracker `owner`
 * must keep (in a field) for as long as it lives.
 */
export function registerInstance(hostCalls: (() => void)[], builtins: (() => void)[]): { id: number; tracker: object } {
  releaseCollected();
  const id = freeIds.pop() ?? instances.length;
  instances[id] = { hostCalls, builtins, cleanups: [], retired: false };
  const tracker = native.tracker(id);
  return { id, tracker };
}

/**
 * Runs `cleanup` once the instance `id` is collected, synchronously at the next registration
 * or forced collection (unlike a FinalizationRegistry, whose held values and callbacks wait
 * for the end of the job). `cleanup` must not refer to the instance.
 */
export function onInstanceCollected(id: number, cleanup: () => void): void {
  instances[id]!.cleanups.push(cleanup);
}

/**
 * Drops what an instance registered (its imports, its Memory) now, for Instance.dispose;
 * host calls its code still makes then throw. The id is reused only once it is collected.
 */
export function retireInstance(id: number): void {
  const reg = instances[id];
  if (reg === undefined) return;
  reg.hostCalls = [];
  reg.builtins = [];
  reg.retired = true;
}

const TARGET = 2 * CallBuffer.HostCallTarget;

function dispatch(): void {
  // Read the target before anything can re-enter wasm and overwrite it.
  const id = cbI32[TARGET]!;
  const index = cbI32[TARGET + 1]! >>> 0;
  const reg = instances[id];
  const call = index < BUILTIN_BASE ? reg?.hostCalls[index] : reg?.builtins[index - BUILTIN_BASE];
  if (call === undefined) {
    if (reg?.retired) throw new TypeError('wasmjit: host call from a disposed instance');
    throw new Error(`BUG: host call to unknown index ${index} of instance ${id}`);
  }
  call();
}

native.setHostDispatcher(dispatch);
