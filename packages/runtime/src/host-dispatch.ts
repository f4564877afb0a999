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

// Few locals on purpose: this frame sits on the stack of every level of wasm -> JS -> wasm
// nesting (interpreted, each one is 8 bytes of it).
function dispatch(): void {
  // Read the target before anything can re-enter wasm and overwrite it.
  const index = cbI32[TARGET + 1]! >>> 0;
  const domain = running.domain?.root();
  const member = domain?.member(cbI32[TARGET]!);
  if (member?.disposed) disposedHost();
  if (index >= BUILTIN_BASE) {
    (member?.builtins[index - BUILTIN_BASE] ?? unknownTarget)();
    return;
  }
  (member?.hostCalls[index] ?? unknownTarget)(domain!);
}

function disposedHost(): never {
  throw new TypeError('wasmjit: host call from a disposed instance');
}

function unknownTarget(): never {
  throw new Error(`BUG: host call to unknown index ${cbI32[TARGET + 1]! >>> 0} of instance ${cbI32[TARGET]!} in the running domain`);
}

native.setHostDispatcher(dispatch);
