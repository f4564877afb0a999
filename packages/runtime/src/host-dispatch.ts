// Native host_call reaches JS through one dispatcher per thread: (instance id, index)
// selects the pre-built closure that converts the arguments and calls the JS import, or,
// for indexes at or above BUILTIN_BASE, the instance's runtime builtin.
import { BUILTIN_BASE } from '@wasmjit/codegen';
import { native } from './native.js';

interface Registered {
  hostCalls: (() => void)[];
  builtins: (() => void)[];
}

const instances = new Map<number, Registered>();
let nextId = 1;

// An instance's code can only run while something holds one of its functions, and every
// such path (exports, imports into other instances, table entries) keeps the Instance
// reachable; so once it is collected its closures can go.
const unregister = new FinalizationRegistry<number>((id) => instances.delete(id));

export function registerInstance(owner: object, hostCalls: (() => void)[], builtins: (() => void)[]): number {
  const id = nextId++;
  instances.set(id, { hostCalls, builtins });
  unregister.register(owner, id);
  return id;
}

function dispatch(instanceId: number, index: number): void {
  const reg = instances.get(instanceId);
  const call = index >= BUILTIN_BASE ? reg?.builtins[index - BUILTIN_BASE] : reg?.hostCalls[index];
  if (!call) throw new Error(`BUG: host call to unknown index ${index} of instance ${instanceId}`);
  call();
}

native.setHostDispatcher(dispatch);
