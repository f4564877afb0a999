// Forced garbage collection for when native resources run out, as V8 does for its own wasm
// memories: a failed mapping is retried once after a full collection.
//
// Dropped Modules, Memories and Instances hold their address space through native owners
// whose finalizers run inside the collection (native/src/memory.c), so a collection gives
// it back even in the middle of a synchronous loop. The ids of collected instances come back
// through trackers (native/src/collected.c); listeners drain them and drop what they kept
// for those ids, which frees a second wave of objects: hence a second collection.
import v8 from 'node:v8';
import vm from 'node:vm';

let gcFunction: (() => void) | undefined;

/** V8's full, synchronous collection (the `gc` of --expose-gc, obtained without the flag). */
function fullGC(): void {
  if (gcFunction === undefined) {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (typeof existing === 'function') {
      gcFunction = existing;
    } else {
      // The flag only adds `gc` to contexts created after it is set, hence the new context.
      v8.setFlagsFromString('--expose-gc');
      gcFunction = vm.runInNewContext('gc') as () => void;
    }
  }
  gcFunction();
}

const afterCollection: (() => void)[] = [];

/** `drain` runs after every forced collection (before the retry). */
export function onCollection(drain: () => void): void {
  afterCollection.push(drain);
}

let collections = 0;

/** Forced collections so far on this thread (tests, diagnostics). */
export function forcedCollections(): number {
  return collections;
}

/** Collects everything unreachable now, including what trackers released. */
export function collectGarbage(): void {
  collections++;
  fullGC();
  for (const drain of afterCollection) drain();
  fullGC();
}

/**
 * Runs `attempt`; when it reports exhaustion (undefined), collects garbage and runs it once
 * more. Returns the second answer, which may still be undefined.
 */
export function retryAfterCollection<T>(attempt: () => T | undefined): T | undefined {
  const first = attempt();
  if (first !== undefined) return first;
  collectGarbage();
  return attempt();
}
