// Small fixed-size native cells: global values and table descriptors. Generated code reaches
// them through pointers in the vmctx, and one cell may be shared by several instances (an
// exported global or table imported elsewhere), so a cell must never move or disappear
// while any instance or JS object refers to it.
//
// Each cell is its own small buffer (code-memory.ts allocData): it lives exactly as long as
// the Cell object, which its Global or Table holds, and every instance using that Global or
// Table holds it in turn (instance.ts).
import { allocData } from './code-memory.js';

export const CELL_SIZE = 16;

/** A 16-byte native cell and a little-endian view of it (use view at offset.. offset+15). */
export interface Cell {
  readonly address: number;
  readonly view: DataView;
  readonly offset: number;
}

/** A zeroed, 16-byte aligned cell. */
export function allocCell(): Cell {
  const region = allocData(CELL_SIZE);
  if (region.address % CELL_SIZE !== 0) throw new Error('BUG: a native cell is not 16-byte aligned');
  return { address: region.address, view: new DataView(region.buffer), offset: 0 };
}
