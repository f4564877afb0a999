// Native host_call reaches JS through one argument-less dispatcher per thread: the call
// buffer's HostCallTarget slot holds (instance id, index), which selects the pre-built closure
// that converts the arguments and calls the JS import, or, for indexes at or above
// BUILTIN_BASE, the instance's runtime builtin.
import { BUILTIN_BASE, CallBuffer } from '@wasmjit/codegen';
import { native } from './native.js';
import { cbI32 } from './call-buffer.js';

/** Per instance id: its import closures, then its builtins at BUILTIN_BASE + Builtin. */
interface Registered {
  hostCalls: (() => void)[];
  builtins: (() => void)[];
}

// An array, not a Map: the lookup is on every host call. Ids of collected instances are
// reused (freeIds) so it stays dense; slot 0 is never an id.
const instances: (Registered | undefined)[] = [undefined];
const freeIds: number[] = [];

// An instance's code can only run while something holds one of its functions, and every
// such path (exports, imports into other instances, table entries) keeps the Instance
// reachable; so once it is collected no host call can name its id any more, and the id can
// go to the next instance.
const unregister = new FinalizationRegistry<number>((id) => {
  instances[id] = undefined;
  freeIds.push(id);
});

export function registerInstance(owner: object, hostCalls: (() => void)[], builtins: (() => void)[]): number {
  const id = freeIds.pop() ?? instances.length;
  instances[id] = { hostCalls, builtins };
  unregister.register(owner, id);
  return id;
}

const TARGET = 2 * CallBuffer.HostCallTarget;

function dispatch(): void {
  // Read the target before anything can re-enter wasm and overwrite it.
  const id = cbI32[TARGET]!;
  const index = cbI32[TARGET + 1]! >>> 0;
  const reg = instances[id];
  const call = index < BUILTIN_BASE ? reg?.hostCalls[index] : reg?.builtins[index - BUILTIN_BASE];
  if (call === undefined) throw new Error(`BUG: host call to unknown index ${index} of instance ${id}`);
  call();
}

native.setHostDispatcher(dispatch);
