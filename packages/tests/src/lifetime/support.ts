// Shared by the lifetime tests and their stress versions: process figures from /proc, the
// modules they cycle through, and the runtime's forced collection.
import { readFileSync } from 'node:fs';
import { collectGarbage, forcedCollections } from '../../../runtime/dist/collect.js';
import { native } from '../../../runtime/dist/native.js';
import { wat } from '../guard/support.js';

export { collectGarbage, forcedCollections, native };

/** VmSize and VmRSS of this process, in bytes. */
export function processMemory(): { vmSize: number; rss: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { vmSize: kib('VmSize'), rss: kib('VmRSS') };
}

/** A module with a one-page memory, a store and a load. */
export const memoryModule = (): Promise<Uint8Array> =>
  wat(`(module (memory (export "mem") 1)
    (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
    (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))`);

/** What every clang WASI program has: a memory, a table with elements, an indirect call. */
export const tableModule = (): Promise<Uint8Array> =>
  wat(`(module (memory (export "mem") 1)
    (table 2 funcref) (elem (i32.const 0) $a $b)
    (type $t (func (result i32)))
    (func $a (result i32) (i32.const 7)) (func $b (result i32) (i32.const 9))
    (func (export "pick") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))`);

/** A module with a few functions of code and nothing else. */
export const codeModule = (): Promise<Uint8Array> =>
  wat(`(module
    (func (export "f") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
    (func (export "g") (param i32) (result i32) (i32.add (call 0 (local.get 0)) (i32.const 1))))`);
