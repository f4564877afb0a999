// The items of one section of the module being encoded, written one after another into one
// buffer that is reused from module to module.

import { Bytes } from './bytes.js';

/**
 * A section's items: how many, and their bytes. A buffer per item (and a section copying them
 * all) meant a typed array or two for every import, export, global and segment of every
 * module; most of them are written here directly (`next`). One module is encoded at a time,
 * so each section kind has one Items (module.ts), cleared at the start of a module.
 */
export class Items {
  readonly bytes = new Bytes();
  length = 0;

  /** Add an item built elsewhere. */
  push(item: Bytes): void {
    this.bytes.append(item);
    this.length++;
  }

  /** Start an item written straight into the section: the buffer to write it to. */
  next(): Bytes {
    this.length++;
    return this.bytes;
  }

  clear(): this {
    this.bytes.clear();
    this.length = 0;
    return this;
  }
}
