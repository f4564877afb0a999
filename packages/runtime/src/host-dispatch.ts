// Native host_call reaches JS through one argument-less dispatcher per thread: the call
// buffer's HostCallTarget slot holds (instance id, index), which selects the pre-built closure
// that converts the arguments and calls the JS import, or, for indexes at or above
// BUILTIN_BASE, the instance's runtime builtin.
//
// Ids are per reference domain (ref-domain.ts), and the closures live in the domain, not in
// a table of this thread: a global table would keep every instance's imports and builtins
// (and through them its tables and memories, or the instance itself when an import closure
// refers to it) alive until a FinalizationRegistry noticed the instance had gone, which never
// happens while a synchronous loop runs. All code of one JS→wasm entry belongs to the entered
// instance's domain, which the entry sets as `running`.
import { BUILTIN_BASE, CallBuffer } from '@wasmjit/codegen';
import { native } from './native.js';
import { cbI32 } from './call-buffer.js';
import { running, type Member } from './ref-domain.js';

/** Makes `member` (its instance's closures) reachable from host calls from its code. */
export function registerInstance(member: Member): void {
  member.domain.add(member);
}

const TARGET = 2 * CallBuffer.HostCallTarget;

function dispatch(): void {
  // Read the target before anything can re-enter wasm and overwrite it.
  const id = cbI32[TARGET]!;
  const index = cbI32[TARGET + 1]! >>> 0;
  const domain = running.domain?.root();
  const member = domain?.member(id);
  if (member?.disposed) throw new TypeError('wasmjit: host call from a disposed instance');
  if (index >= BUILTIN_BASE) {
    const builtin = member?.builtins[index - BUILTIN_BASE];
    if (builtin === undefined) throw new Error(`BUG: builtin ${index - BUILTIN_BASE} of instance ${id} not found in the running domain`);
    builtin();
    return;
  }
  const call = member?.hostCalls[index];
  if (call === undefined) throw new Error(`BUG: host call to unknown index ${index} of instance ${id} in the running domain`);
  call(domain!);
}

native.setHostDispatcher(dispatch);
