// Cleanups that run once an object is collected, also inside a synchronous loop.
//
// A FinalizationRegistry keeps its held values, and runs its callbacks, only after the
// current job: in a synchronous loop of instantiate-and-drop cycles it would keep what each
// cleanup refers to until the loop ends. Here the holder keeps a native tracker
// (native/src/collected.c) whose finalizer runs inside the collection and only records its
// id; the cleanups of recorded ids run at the next registration and after every forced
// collection (collect.ts).
import { native } from './native.js';
import { onCollection } from './collect.js';

const cleanups = new Map<number, () => void>();
const freeIds: number[] = [];
let nextId = 1;

function runCollected(): void {
  for (const id of native.takeCollected()) {
    const cleanup = cleanups.get(id);
    cleanups.delete(id);
    freeIds.push(id);
    cleanup?.();
  }
}
onCollection(runCollected);

/**
 * Runs `cleanup` once the returned tracker has been collected: the caller stores it in the
 * object whose death it stands for. `cleanup` must not refer to that object.
 */
export function cleanupWhenCollected(cleanup: () => void): object {
  runCollected();
  const id = freeIds.pop() ?? nextId++;
  cleanups.set(id, cleanup);
  return native.tracker(id);
}
