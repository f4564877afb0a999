// Host calls from wasm: native host_call suspends the activation and invoke()/resume()
// return RunStatus.HostCall to the export wrapper that entered it (func-wrappers.ts). The
// call buffer's HostCallTarget slot holds (instance id, index); hostTarget() turns it into
// the pre-built HostCall (func-wrappers.ts) of the JS import, its arguments loaded, or, for
// indexes at or above BUILTIN_BASE, of the instance's runtime builtin. The wrapper calls the
// import itself: no JS frame of ours but the wrapper's sits between nesting levels.
//
// Ids are per reference domain (ref-domain.ts), and the closures live in the domain, not in
// a table of this thread: a global table would keep every instance's imports and builtins
// (and through them its tables and memories, or the instance itself when an import closure
// refers to it) alive until a FinalizationRegistry noticed the instance had gone, which never
// happens while a synchronous loop runs. All code of one JS→wasm entry belongs to the entered
// instance's domain: the wrapper passes its owner, and the id is looked up in its domain.
import { BUILTIN_BASE, CallBuffer } from '@wasmjit/codegen';
import { cbI32 } from './call-buffer.js';
import type { Member, RefDomain } from './ref-domain.js';
import { directHostCall, type HostCall } from './host-call.js';

/** Makes `member` (its instance's closures) reachable from host calls from its code. */
export function registerInstance(member: Member): void {
  member.domain.add(member);
}

const TARGET = 2 * CallBuffer.HostCallTarget;

/**
 * The closure for the suspended host call named in the call buffer, made by code of an entry
 * into `entered` (an instance of that domain). Runs no user JS.
 */
export function hostTarget(entered: { readonly domain: RefDomain }): HostCall {
  const index = cbI32[TARGET + 1]! >>> 0;
  const member = entered.domain.root().member(cbI32[TARGET]!);
  if (member === undefined) return unknownTarget;
  if (member.disposed) return disposedHost;
  let h: HostCall | undefined;
  if (index >= BUILTIN_BASE) {
    const b = index - BUILTIN_BASE;
    h = member.builtinCalls[b];
    if (h === undefined && member.builtins[b] !== undefined) h = member.builtinCalls[b] = directHostCall(member.builtins[b]!);
  } else {
    h = member.hostCalls[index];
  }
  if (h === undefined) return unknownTarget;
  h.load();
  return h;
}

const disposedHost = directHostCall(() => {
  throw new TypeError('wasmjit: host call from a disposed instance');
});

const unknownTarget = directHostCall(() => {
  throw new Error(`BUG: host call to unknown index ${cbI32[TARGET + 1]! >>> 0} of instance ${cbI32[TARGET]!} in the entered domain`);
});
