// Linking tables, globals and function references: vmctx global cells, table descriptors,
// FuncRefRecords, table builtins, active element segments. (See layout.ts.)
import { LinkError } from './errors.js';
import type { InstanceBuild } from './instance-build.js';
import type { Instance } from './instance.js';

export function linkGlobals(b: InstanceBuild): void {
  if (b.wasm.numImportedGlobals + b.wasm.globals.length > 0) throw new LinkError('globals are not supported yet');
}

export function linkTables(b: InstanceBuild, _instance: Instance): void {
  if (b.wasm.tables.length > 0) throw new LinkError('tables are not supported yet');
}

/** Apply active element segments and drop declarative ones. */
export function initElemSegments(b: InstanceBuild, _instance: Instance): void {
  if (b.wasm.elems.length > 0) throw new LinkError('element segments are not supported yet');
}

export function exportTable(b: InstanceBuild, index: number): unknown {
  return b.tables[index];
}

export function exportGlobal(b: InstanceBuild, index: number): unknown {
  return b.globals[index];
}
