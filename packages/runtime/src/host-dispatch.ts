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

// Few locals on purpose: this frame sits on the stack of every level of wasm -> JS -> wasm
// nesting (interpreted, each one is 8 bytes of it).
function dispatch(): void {
  // Read the target before anything can re-enter wasm and overwrite it.
  const index = cbI32[TARGET + 1]! >>> 0;
  const reg = instances[cbI32[TARGET]!];
  ((index < BUILTIN_BASE ? reg?.hostCalls[index] : reg?.builtins[index - BUILTIN_BASE]) ?? unknownTarget)();
}

function unknownTarget(): never {
  throw new Error(`BUG: host call to unknown index ${cbI32[TARGET + 1]! >>> 0} of instance ${cbI32[TARGET]!}`);
}

native.setHostDispatcher(dispatch);
