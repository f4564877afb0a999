// Shared helpers for the native add-on tests: hand-assembled code, vmctx construction.
//
// @wasmjit/runtime only exports its public API ("."), so the internals under test are
// imported from its build output; this file is the one place that knows the path.
import { CallBuffer, RunStatus, TrapCode, Vmctx as VmctxOffset } from '@wasmjit/codegen';
import { allocData, loadCode, type CodeRegion, type DataRegion } from '../../../runtime/dist/code-memory.js';
import { callF64, native } from '../../../runtime/dist/native.js';

export { allocData, loadCode, native, type CodeRegion, type DataRegion };
export { callF64, callI32, callI64, callU32 } from '../../../runtime/dist/native.js';

// Short names for the abi.ts values these tests use. The values come from abi.ts itself
// (const enums, inlined at compile time); abi-header.test.ts checks the add-on's header.
export const Trap = {
  None: TrapCode.None,
  StackOverflow: TrapCode.StackOverflow,
  Unreachable: TrapCode.Unreachable,
  BadConversionToInteger: TrapCode.BadConversionToInteger,
  HostException: TrapCode.HostException,
} as const;

export const Vmctx = {
  HostCall: VmctxOffset.HostCall,
  TrapUnwind: VmctxOffset.TrapUnwind,
  InstanceId: VmctxOffset.InstanceId,
  MaxWasmStack: VmctxOffset.MaxWasmStack,
  HostStackReserve: VmctxOffset.HostStackReserve,
  HeaderEnd: VmctxOffset.HeaderEnd,
} as const;

export const CallBufferSlots = CallBuffer.Slots;
export const AreaStart = CallBuffer.AreaStart;
/** invokeFast() descriptor slots and the host-call target slot. */
export const InvokeCode = CallBuffer.InvokeCode;
export const InvokeVmctx = CallBuffer.InvokeVmctx;
export const InvokeNslots = CallBuffer.InvokeNslots;
export const HostCallTarget = CallBuffer.HostCallTarget;
export const SuspendSerial = CallBuffer.SuspendSerial;
/** What invoke/invokeFast/resume return for a suspended host call. */
export const HostCall = RunStatus.HostCall;

export const KiB = 1024;

/** Bytes from an objdump-style hex string ("48 8b 44 24 08 ..."; whitespace ignored). */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new Error(`bad hex: ${text}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export interface VmctxOptions {
  instanceId?: number;
  maxWasmStack?: number;
  hostStackReserve?: number;
  /** Extra bytes after the fixed header (imports etc.). */
  extra?: number;
}

export interface TestVmctx {
  region: DataRegion;
  address: number;
  /** The header as 8-byte fields, indexed by Vmctx offset / 8. */
  fields: BigUint64Array;
}

/** A vmctx with the helper addresses and stack options filled in, like the runtime does. */
export function makeVmctx(opts: VmctxOptions = {}): TestVmctx {
  const region = allocData(Vmctx.HeaderEnd + (opts.extra ?? 0));
  const fields = new BigUint64Array(region.buffer);
  const helpers = native.helperAddresses();
  fields[Vmctx.HostCall / 8] = BigInt(helpers.hostCall);
  fields[Vmctx.TrapUnwind / 8] = BigInt(helpers.trapUnwind);
  fields[Vmctx.InstanceId / 8] = BigInt(opts.instanceId ?? 0);
  fields[Vmctx.MaxWasmStack / 8] = BigInt(opts.maxWasmStack ?? 512 * KiB);
  fields[Vmctx.HostStackReserve / 8] = BigInt(opts.hostStackReserve ?? 256 * KiB);
  return { region, address: region.address, fields };
}

/** The JS side of host calls in these tests: reads the target and area, leaves results there. */
export type Dispatcher = () => void;

/**
 * Runs the host calls of an activation the way the runtime's export wrappers do: while the
 * status `t` (from invoke/invokeFast/resume) is HostCall, call `dispatch` and resume with the
 * serial the suspension left; if dispatch throws, abandon the activation and rethrow. Returns
 * the final status (0 when wasm returned).
 */
export function drive(t: number | true | undefined, dispatch: Dispatcher): number {
  // invoke() says HostCall (256), invokeFast() and resume() say true.
  while (t === HostCall || t === true) {
    const serial = callF64[SuspendSerial]!;
    try {
      dispatch();
    } catch (e) {
      callF64[SuspendSerial] = serial;
      native.abandon();
      throw e;
    }
    callF64[SuspendSerial] = serial;
    t = native.resume();
  }
  return t ?? 0;
}

/** invoke(code, vmctx, nslots) with its host calls run by `dispatch` (see drive). */
export function invokeWith(code: number, vmctx: number, nslots: number, dispatch: Dispatcher): number {
  return drive(native.invoke(code, vmctx, nslots), dispatch);
}
