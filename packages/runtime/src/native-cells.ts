// Small fixed-size native cells: global values and table descriptors. Generated code reaches
// them through pointers in the vmctx, and one cell may be shared by several instances (an
// exported global or table imported elsewhere), so a cell must never move or disappear
// while any instance or JS object refers to it.
//
// Cells are cut from slabs of SLAB_CELLS (code-memory.ts allocData buffers). Every Cell's
// view is over its slab's buffer, so the slab lives as long as any of its Cells, which their
// Global or Table holds, and every instance using that Global or Table holds it in turn
// (instance.ts). A cell is handed out once and never reused: a dead one's 16 bytes stay
// until the rest of its slab dies. One buffer per cell made emscripten's dynamic linking,
// which creates a WebAssembly.Global for each symbol it resolves (~10,000 for DuckDB), pay a
// native allocation and a collected ArrayBuffer per global.
import { allocData } from './code-memory.js';

export const CELL_SIZE = 16;

/** A 16-byte native cell and a little-endian view of it (use view at offset.. offset+15). */
export interface Cell {
  readonly address: number;
  readonly view: DataView;
  readonly offset: number;
}

/** Cells per slab (4 KiB). */
export const SLAB_CELLS = 256;

let slab: { readonly address: number; readonly view: DataView; next: number } | null = null;

/** A zeroed, 16-byte aligned cell. */
export function allocCell(): Cell {
  if (slab === null || slab.next === SLAB_CELLS) {
    const region = allocData(CELL_SIZE * SLAB_CELLS);
    if (region.address % CELL_SIZE !== 0) throw new Error('BUG: a native cell is not 16-byte aligned');
    slab = { address: region.address, view: new DataView(region.buffer), next: 0 };
  }
  const offset = CELL_SIZE * slab.next++;
  return { address: slab.address + offset, view: slab.view, offset };
}
