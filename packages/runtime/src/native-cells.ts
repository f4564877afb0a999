// Small fixed-size native cells: global values and table descriptors. Generated code reaches
// them through pointers in the vmctx, and one cell may be shared by several instances (an
// exported global or table imported elsewhere), so a cell must never move or disappear
// while any instance or JS object refers to it.
//
// allocData maps whole pages, far too much for 16 bytes, so cells are carved out of 64 KiB
// chunks. Chunks are kept for the life of the thread and cells are never reused: tracking
// which instances still point at a cell would cost more than the 16 bytes it saves.
import { allocData, type DataRegion } from './code-memory.js';

export const CELL_SIZE = 16;
const CHUNK_SIZE = 64 * 1024;

/** A 16-byte native cell and a little-endian view of it (use view at offset.. offset+15). */
export interface Cell {
  readonly address: number;
  readonly view: DataView;
  readonly offset: number;
}

const chunks: DataRegion[] = [];
let chunkView: DataView | null = null;
let used = CHUNK_SIZE;

/** A zeroed, 16-byte aligned cell. */
export function allocCell(): Cell {
  if (used + CELL_SIZE > CHUNK_SIZE || chunkView === null) {
    const region = allocData(CHUNK_SIZE);
    chunks.push(region);
    chunkView = new DataView(region.buffer);
    used = 0;
  }
  const offset = used;
  used += CELL_SIZE;
  return { address: chunks[chunks.length - 1]!.address + offset, view: chunkView, offset };
}
