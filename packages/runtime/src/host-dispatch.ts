// Native host_call reaches JS through one dispatcher per thread: (instance id, import index)
// selects the pre-built closure that converts the arguments and calls the JS import.
import { native } from './native.js';

const hostCalls = new Map<number, (() => void)[]>();
let nextId = 1;

export function registerInstance(calls: (() => void)[]): number {
  const id = nextId++;
  hostCalls.set(id, calls);
  return id;
}

function dispatch(instanceId: number, importIndex: number): void {
  const calls = hostCalls.get(instanceId);
  const call = calls?.[importIndex];
  if (!call) throw new Error(`BUG: host call to unknown import ${importIndex} of instance ${instanceId}`);
  call();
}

native.setHostDispatcher(dispatch);
