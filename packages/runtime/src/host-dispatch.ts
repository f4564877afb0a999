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

export function registerInstance(hostCalls: (() => void)[], builtins: (() => void)[]): number {
  const id = nextId++;
  instances.set(id, { hostCalls, builtins });
  return id;
}

function dispatch(instanceId: number, index: number): void {
  const reg = instances.get(instanceId);
  const call = index >= BUILTIN_BASE ? reg?.builtins[index - BUILTIN_BASE] : reg?.hostCalls[index];
  if (!call) throw new Error(`BUG: host call to unknown index ${index} of instance ${instanceId}`);
  call();
}

native.setHostDispatcher(dispatch);
