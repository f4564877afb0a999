// Posting wasmjit modules to other threads as the built-in WebAssembly does, under the
// register hook (../register.ts): a WebAssembly.Module (or a runtime Module) anywhere in a
// message arrives as a module on the receiving thread, compiled once (docs/threads.md).
//
// Sending: MessagePort.prototype.postMessage (which Worker.prototype.postMessage and
// parentPort go through) and structuredClone copy the message's containers on the way to
// a module and put a PostedModule (../posted-module.ts) in its place; a Memory, Table,
// Global or Instance throws DataCloneError, as V8 does for non-shared ones.
// Receiving: Node hands every message a MessagePort (a Worker's included) receives to the
// port's hybrid-dispatch method (Symbol.for('nodejs.internal.kHybridDispatch'), shared by
// Node's internals through the global symbol registry); a wrapper there replaces each
// PostedModule with its module before any listener sees the message. A message whose
// module cannot be rebuilt (a forged one that fails to compile) becomes a 'messageerror'
// event carrying the error, as a message that fails to deserialize does.
//
// Not covered (the message then carries the PostedModule object itself; decodeMessage
// turns it into the module): receiveMessageOnPort, BroadcastChannel, and a receiving
// thread that does not run the register hook.
import { MessagePort } from 'node:worker_threads';
import { getDefaultEngine } from '../engine.js';
import { Global as RuntimeGlobal } from '../global.js';
import { Instance as RuntimeInstance } from '../instance.js';
import { Memory as RuntimeMemory } from '../memory.js';
import { compiledParts, type Module as RuntimeModule } from '../module.js';
import { fromPostedModule, isPostedModule, toPostedModule, type PostedModule } from '../threads/posted-module.js';
import { Table as RuntimeTable } from '../table.js';
import { namespaceEngine } from './engine.js';
import { Instance } from './instance.js';
import { unwrapMemory } from './memory.js';
import { compileBytes, isModule, runtimeModule, wrapModule } from './module.js';
import { unwrapTable } from './table.js';
import { unwrapGlobal } from './global.js';

const HYBRID_DISPATCH = Symbol.for('nodejs.internal.kHybridDispatch');
const instanceExports = Object.getOwnPropertyDescriptor(Instance.prototype, 'exports')!.get!;

function isNamespaceInstance(v: object): boolean {
  // The brand check throws for anything else: only tried on objects that look the part.
  if (!Object.prototype.isPrototypeOf.call(Instance.prototype, v)) return false;
  try {
    instanceExports.call(v);
    return true;
  } catch {
    return false;
  }
}

/** The name V8 gives a value it refuses to clone, or undefined for anything else. */
function uncloneable(v: object): string | undefined {
  if (unwrapMemory(v) !== undefined || v instanceof RuntimeMemory) return 'Memory';
  if (unwrapTable(v) !== undefined || v instanceof RuntimeTable) return 'Table';
  if (unwrapGlobal(v) !== undefined || v instanceof RuntimeGlobal) return 'Global';
  if (v instanceof RuntimeInstance || isNamespaceInstance(v)) return 'Instance';
  return undefined;
}

/** Objects structured clone copies as they are (no module can hide inside them). */
function isLeaf(v: object): boolean {
  return ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof SharedArrayBuffer || v instanceof Date ||
    v instanceof RegExp || v instanceof Error || v instanceof MessagePort;
}

/** The containers structured clone walks into, and how it reaches their contents. */
function children(v: object): Iterable<unknown> {
  if (v instanceof Map) return [...v.keys(), ...v.values()];
  if (v instanceof Set) return v.values();
  return Object.keys(v).map((k) => (v as Record<string, unknown>)[k]);
}

function isWasmjitModule(v: object): boolean {
  return isModule(v) || compiledParts(v) !== undefined;
}

function refuseUncloneable(value: object): void {
  const refused = uncloneable(value);
  if (refused !== undefined) throw new DOMException(`#<${refused}> could not be cloned.`, 'DataCloneError');
}

/**
 * Whether `value` has a module inside; throws DataCloneError for what V8 cannot clone that
 * it meets before (encodeValue walks the rest).
 */
function hasModule(value: unknown, seen: Set<object>): boolean {
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  if (isWasmjitModule(value)) return true;
  refuseUncloneable(value);
  if (isLeaf(value)) return false;
  for (const c of children(value)) if (hasModule(c, seen)) return true;
  return false;
}

/** `value` with its containers copied and every module replaced by a PostedModule. */
function encodeValue(value: unknown, memo: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (memo.has(value)) return memo.get(value);
  let out: unknown;
  if (isModule(value)) out = toPostedModule(runtimeModule(value, 'postMessage'), 'WebAssembly.Module');
  else if (compiledParts(value) !== undefined) out = toPostedModule(value as RuntimeModule, 'Module');
  else if ((refuseUncloneable(value), isLeaf(value))) out = value;
  else if (value instanceof Map) {
    const m = new Map<unknown, unknown>();
    memo.set(value, m);
    for (const [k, v] of value) m.set(encodeValue(k, memo), encodeValue(v, memo));
    return m;
  } else if (value instanceof Set) {
    const s = new Set<unknown>();
    memo.set(value, s);
    for (const v of value) s.add(encodeValue(v, memo));
    return s;
  } else {
    // Arrays keep their length (and holes); other objects become plain ones, as in a clone.
    const o: Record<string, unknown> = Array.isArray(value) ? (new Array(value.length) as unknown as Record<string, unknown>) : {};
    memo.set(value, o);
    for (const k of Object.keys(value)) o[k] = encodeValue((value as Record<string, unknown>)[k], memo);
    return o;
  }
  memo.set(value, out);
  return out;
}

/**
 * A message to post: `value` itself when it holds no module, else a copy with each module
 * replaced by a PostedModule. Throws DataCloneError for a Memory, Table, Global or Instance.
 */
export function encodeMessage(value: unknown): unknown {
  return hasModule(value, new Set()) ? encodeValue(value, new Map()) : value;
}

function hasPosted(value: unknown, seen: Set<object>): boolean {
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  if (isPostedModule(value)) return true;
  if (isLeaf(value)) return false;
  for (const c of children(value)) if (hasPosted(c, seen)) return true;
  return false;
}

function decodePosted(p: PostedModule): unknown {
  if (p.kind === 'WebAssembly.Module') return wrapModule(fromPostedModule(p, namespaceEngine(), compileBytes));
  return fromPostedModule(p, getDefaultEngine());
}

/** Replaces PostedModules inside a received (so unshared) value, in place. */
function decodeValue(value: unknown, memo: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (memo.has(value)) return memo.get(value);
  if (isPostedModule(value)) {
    const m = decodePosted(value);
    memo.set(value, m);
    return m;
  }
  memo.set(value, value);
  if (isLeaf(value)) return value;
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => [decodeValue(k, memo), decodeValue(v, memo)] as const);
    value.clear();
    for (const [k, v] of entries) value.set(k, v);
  } else if (value instanceof Set) {
    const items = [...value].map((v) => decodeValue(v, memo));
    value.clear();
    for (const v of items) value.add(v);
  } else {
    for (const k of Object.keys(value)) (value as Record<string, unknown>)[k] = decodeValue((value as Record<string, unknown>)[k], memo);
  }
  return value;
}

/**
 * A received message with every PostedModule replaced by its module (a WebAssembly.Module
 * or a runtime Module, as posted). Changes `value` in place: pass only a message this
 * thread received. Throws what rebuilding a module throws (TypeError, CompileError).
 */
export function decodeMessage(value: unknown): unknown {
  return hasPosted(value, new Set()) ? decodeValue(value, new Map()) : value;
}

let installed = false;

/** Installs the sending and receiving hooks (once per thread). */
export function installModulePosting(): void {
  if (installed) return;
  installed = true;
  const proto = MessagePort.prototype as unknown as Record<PropertyKey, unknown>;
  const post = proto.postMessage as (this: MessagePort, value: unknown, ...rest: unknown[]) => void;
  Object.defineProperty(proto, 'postMessage', {
    value: function postMessage(this: MessagePort, value: unknown, ...rest: unknown[]): void {
      return post.call(this, encodeMessage(value), ...rest);
    },
    writable: true, enumerable: false, configurable: true,
  });
  const dispatch = proto[HYBRID_DISPATCH];
  if (typeof dispatch === 'function') {
    // An own property of MessagePort.prototype, over the one it inherits from NodeEventTarget.
    Object.defineProperty(proto, HYBRID_DISPATCH, {
      value: function (this: MessagePort, value: unknown, type: unknown, event: unknown): unknown {
        if (type === 'message' && event === undefined) {
          try {
            value = decodeMessage(value);
          } catch (e) {
            return dispatch.call(this, e, 'messageerror', undefined);
          }
        }
        return dispatch.call(this, value, type, event);
      },
      writable: true, enumerable: false, configurable: true,
    });
  }
  const clone = globalThis.structuredClone;
  Object.defineProperty(globalThis, 'structuredClone', {
    value: function structuredClone(value: unknown, options?: StructuredSerializeOptions): unknown {
      return decodeMessage(clone(encodeMessage(value), options));
    },
    writable: true, enumerable: false, configurable: true,
  });
}
