// What the runtime reads and calls on a Memory — its base address, size, maximum, grow and
// the vmctx attachment — are private members (memory.ts memoryInternals), and `buffer`, which
// a program can shadow with an own property, is read through the class's own getter taken
// here before any program code ran: an `attachVmctx` or `buffer` of a program's making is
// never used. On anything but a real Memory these throw a TypeError.
import { Memory, memoryInternals } from './memory.js';
import type { DataRegion } from './code-memory.js';

const proto = Memory.prototype;
const getter = <T>(name: string) => Object.getOwnPropertyDescriptor(proto, name)!.get! as (this: Memory) => T;
const bufferGetter = getter<ArrayBuffer>('buffer');
const guardedGetter = getter<boolean>('guarded');
const unguardedReasonGetter = getter<string | undefined>('unguardedReason');
const { address, pages, maximum, growPages, attachVmctx: attach } = memoryInternals;

export const memoryAddress = (m: Memory): number => address(m);
export const memoryPages = (m: Memory): number => pages(m);
export const memoryMaximum = (m: Memory): number | undefined => maximum(m);
export const memoryBuffer = (m: Memory): ArrayBuffer => bufferGetter.call(m);
export const growMemory = (m: Memory, delta: number): number => growPages(m, delta);
/** Returns the tracker the instance keeps. */
export const attachVmctx = (m: Memory, vmctx: DataRegion, entry = 0): object => attach(m, vmctx, entry);
/** memory64: whether the memory is addressed by i64. */
export const memoryIs64 = (m: Memory): boolean => memoryInternals.is64(m);
export const memoryGuarded = (m: Memory): boolean => guardedGetter.call(m);
export const memoryUnguardedReason = (m: Memory): string | undefined => unguardedReasonGetter.call(m);
