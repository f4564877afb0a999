// A Memory's properties and methods are ordinary JS properties that a program can shadow or
// replace: an `attachVmctx` of its own would be handed an instance's vmctx, a `buffer` of its
// own would take the data segments. So the runtime calls the class's own accessors, taken
// here before any program code ran; on anything but a real Memory they throw a TypeError.
import { Memory } from './memory.js';
import type { DataRegion } from './code-memory.js';

const proto = Memory.prototype;
const getter = <T>(name: string) => Object.getOwnPropertyDescriptor(proto, name)!.get! as (this: Memory) => T;
const pagesGetter = getter<number>('pages');
const maximumGetter = getter<number | undefined>('maximum');
const bufferGetter = getter<ArrayBuffer>('buffer');
const growPagesMethod = proto.growPages;
const attachVmctxMethod = proto.attachVmctx;
const guardedGetter = getter<boolean>('guarded');
const unguardedReasonGetter = getter<string | undefined>('unguardedReason');

export const memoryPages = (m: Memory): number => pagesGetter.call(m);
export const memoryMaximum = (m: Memory): number | undefined => maximumGetter.call(m);
export const memoryBuffer = (m: Memory): ArrayBuffer => bufferGetter.call(m);
export const growMemory = (m: Memory, delta: number): number => growPagesMethod.call(m, delta);
/** Returns the tracker the instance keeps (Memory.attachVmctx). */
export const attachVmctx = (m: Memory, vmctx: DataRegion): object => attachVmctxMethod.call(m, vmctx);
export const memoryGuarded = (m: Memory): boolean => guardedGetter.call(m);
export const memoryUnguardedReason = (m: Memory): string | undefined => unguardedReasonGetter.call(m);
