// Reference domains: which instances a raw reference may point into, and so which instances
// must stay alive, and how raw references turn back into JS values. (Conversions: refs.ts.)
//
// A raw funcref is the address of a FuncRefRecord in some instance's vmctx, and calling it
// runs that instance's code with its vmctx: the instance must outlive every table, global and
// instance that may hold the address. A domain is a plain object shared (strongly) by linked
// instances and the Tables and Globals they use, and it holds its member instances strongly.
// Linking joins domains: an instance joins the domains of the tables, reference globals and
// wasm functions it imports, and converting a wasm function to a funcref in a domain (a
// Table/Global write, an argument, an import's result) joins the function's owner. So raw
// references only flow between members of one domain, and every conversion site knows its
// domain: Table.get the table's, Global.value the global's, an export's arguments and
// results its instance's, an import's the entered instance's (below).
//
// Nothing here is global and nothing uses WeakRef or FinalizationRegistry: an unlinked
// instance (its own table, memory and globals: every clang WASI program) is alone in its
// domain, and it, its domain, tables and globals form a cycle the GC collects as soon as the
// program drops them, within a synchronous loop too.
//
// The domain is also how a host call finds its instance's import closures and builtins
// (host-dispatch.ts): each member has an id in its domain, written to its vmctx (InstanceId);
// and all code that runs in one JS→wasm entry belongs to members of the entered instance's
// domain (direct imports and table elements are members), so the export wrapper that runs a
// host call looks the id up in its own instance's domain.
//
// Joining is union-find: the smaller domain forwards to the larger, which takes over its
// members (new ids, rewritten in their vmctx), cached records and extern values. Extern
// handles are unique per thread, so they never need renumbering.
import type { Tag } from './exceptions.js';
import { FuncRefRecord, Vmctx } from '@wasmjit/codegen';
import type { DataRegion } from './code-memory.js';
import type { HostCall } from './host-call.js';
import type { WasmFunction } from './func-wrappers.js';
import type { CompiledParts, Module } from './module.js';

/**
 * What the runtime knows of an instance (Instance keeps it private; no program can reach,
 * replace or shadow any of it): where its records are, what host calls from its code
 * dispatch to, and its domain. Holding a member holds its code, vmctx and (through funcRef)
 * the Instance, whose function objects are the JS identity of its funcrefs.
 */
export interface Member {
  readonly module: Module;
  readonly parts: CompiledParts;
  readonly vmctx: DataRegion;
  /** Address of the FuncRefRecord of function 0; one per function follows. */
  readonly records: number;
  readonly recordCount: number;
  /** The one JS function object for function `index`. */
  readonly funcRef: (index: number) => WasmFunction;
  /** JS imports as host calls, by function index (they convert references in this member's domain). */
  readonly hostCalls: HostCall[];
  /** Runtime builtins by Builtin id. */
  readonly builtins: (() => void)[];
  /** builtins as host calls, made on first use. */
  readonly builtinCalls: (HostCall | undefined)[];
  /** Its memories (imported or its own), which own the pages its code addresses. */
  readonly memories: readonly unknown[];
  /** The root of its domain (joining keeps it current). */
  domain: RefDomain;
  /** Set by Instance.dispose(): calls into it and host calls from it then throw. */
  disposed: boolean;
  /** Its tags (exception handling), imports first: a tag's identity is its object. */
  readonly tags: readonly Tag[];
}

interface RecordOwner {
  readonly member: Member;
  readonly index: number;
}

/** Extern handles: unique per thread (0 is null), so merged domains never collide. */
let nextExternHandle = 1;

export class RefDomain {
  #parent: RefDomain | null = null;
  /** Indexed by member id (slot 0 is never an id). Holds the members strongly. */
  #members: (Member | undefined)[] = [undefined];
  /** FuncRefRecord address → owner, filled on lookup (see recordOwner). */
  #records: Map<number, RecordOwner> | null = null;
  #externValues: Map<number, unknown> | null = null;
  /** Handle of each value already handed to wasm (SameValueZero keys: -0 is kept apart). */
  #externHandles: Map<unknown, number> | null = null;

  /** The domain this one was merged into, transitively (itself if never merged). */
  root(): RefDomain {
    let d: RefDomain = this;
    while (d.#parent !== null) d = d.#parent;
    return d;
  }

  /** Adds an instance and writes its id, which host calls from its code carry, to its vmctx. */
  add(member: Member): void {
    const root = this.root();
    root.#members.push(member);
    member.domain = root;
    writeId(member, root.#members.length - 1);
  }

  member(id: number): Member | undefined {
    return this.#members[id];
  }

  /** The members of this (root) domain. */
  *members(): IterableIterator<Member> {
    for (let id = 1; id < this.#members.length; id++) yield this.#members[id]!;
  }

  /** Merges the two domains; returns the root both now forward to. */
  join(other: RefDomain): RefDomain {
    const a = this.root();
    const b = other.root();
    if (a === b) return a;
    const [big, small] = a.#weight() >= b.#weight() ? [a, b] : [b, a];
    for (let id = 1; id < small.#members.length; id++) {
      const m = small.#members[id]!;
      big.#members.push(m);
      m.domain = big;
      writeId(m, big.#members.length - 1);
    }
    if (small.#records) for (const [k, v] of small.#records) (big.#records ??= new Map()).set(k, v);
    if (small.#externValues) for (const [k, v] of small.#externValues) (big.#externValues ??= new Map()).set(k, v);
    if (small.#externHandles) {
      big.#externHandles ??= new Map();
      for (const [k, v] of small.#externHandles) if (!big.#externHandles.has(k)) big.#externHandles.set(k, v);
    }
    small.#members = [undefined];
    small.#records = small.#externValues = small.#externHandles = null;
    small.#parent = big;
    return big;
  }

  #weight(): number {
    return this.#members.length + (this.#externValues?.size ?? 0);
  }

  /**
   * The member and function index of the FuncRefRecord at `address`, or undefined when no
   * member has one there. Records lie in their instance's vmctx, one per function.
   */
  recordOwner(address: number): RecordOwner | undefined {
    const hit = this.#records?.get(address);
    if (hit) return hit;
    for (let id = 1; id < this.#members.length; id++) {
      const member = this.#members[id]!;
      const offset = address - member.records;
      const index = offset / FuncRefRecord.Size;
      if (offset >= 0 && Number.isInteger(index) && index < member.recordCount) {
        const owner = { member, index };
        (this.#records ??= new Map()).set(address, owner);
        return owner;
      }
    }
    return undefined;
  }

  /** Records where a funcref handed to this domain points (saves recordOwner's search). */
  noteRecord(address: number, member: Member, index: number): void {
    (this.#records ??= new Map()).set(address, { member, index });
  }

  externValue(handle: number): unknown {
    const values = this.#externValues;
    if (values === null || !values.has(handle)) return NO_VALUE;
    return values.get(handle);
  }

  externHandle(v: unknown): number {
    const negZero = Object.is(v, -0);
    let h = negZero ? undefined : this.#externHandles?.get(v);
    if (h === undefined) {
      h = nextExternHandle++;
      (this.#externValues ??= new Map()).set(h, v);
      if (!negZero) (this.#externHandles ??= new Map()).set(v, h);
    }
    return h;
  }
}

function writeId(member: Member, id: number): void {
  new DataView(member.vmctx.buffer).setBigUint64(Vmctx.InstanceId, BigInt(id), true);
}

/** What externValue returns for a handle the domain does not know. */
export const NO_VALUE: unique symbol = Symbol('wasmjit.noValue');
