// The "name" custom section (debug names for the module, functions and locals). It is only
// a debugging aid: a broken one must never make a module fail, so any decoding error makes
// the whole section be ignored.

import { CompileError } from '../errors.js';
import { BinaryReader } from './reader.js';
import type { NameSection } from './types.js';

export function emptyNames(): NameSection {
  return { functions: new Map(), locals: new Map() };
}

/** Parses the payload bytes[start, end) of a name section; undefined if it is malformed. */
export function parseNameSection(bytes: Uint8Array, start: number, end: number): NameSection | undefined {
  const r = new BinaryReader(bytes, start, end);
  const names = emptyNames();
  try {
    while (!r.eof()) {
      const id = r.readU8();
      const size = r.readCount();
      const subEnd = r.pos + size;
      const sub = new BinaryReader(bytes, r.pos, subEnd);
      switch (id) {
        case 0:
          names.module = sub.readName();
          break;
        case 1:
          readNameMap(sub, names.functions);
          break;
        case 2: {
          const n = sub.readCount();
          for (let i = 0; i < n; i++) {
            const func = sub.readVarU32();
            const map = names.locals.get(func) ?? new Map<number, string>();
            readNameMap(sub, map);
            names.locals.set(func, map);
          }
          break;
        }
        default:
          // Later extensions (labels, types, ...) are skipped unread.
          sub.pos = subEnd;
      }
      if (sub.pos !== subEnd) return undefined;
      r.pos = subEnd;
    }
  } catch (e) {
    if (e instanceof CompileError) return undefined;
    throw e;
  }
  return names;
}

function readNameMap(r: BinaryReader, into: Map<number, string>): void {
  const n = r.readCount();
  for (let i = 0; i < n; i++) {
    const index = r.readVarU32();
    into.set(index, r.readName());
  }
}
