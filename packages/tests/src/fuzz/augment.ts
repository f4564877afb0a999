// Makes a module's whole final state observable from JS: exports memory 0, every global
// and every table (and every tag, so that a thrown exception's tag and payload can be read) under reserved names (appended after the module's own exports, so the
// indexes binaryen's call-export uses keep their meaning).
import { decodeModule } from '@wasmjit/codegen';
import { concat, encodeName, encodeU32, readLeb, sectionBytes, splitSections } from './wasm-bytes.js';

export const MEMORY_EXPORT = '__fuzz_mem';
export const globalExport = (i: number) => `__fuzz_g${i}`;
export const tableExport = (i: number) => `__fuzz_t${i}`;
export const tagExport = (i: number) => `__fuzz_tag${i}`;

/** Where a new export section goes: before the first section that must follow it. */
const AFTER_EXPORT = new Set([8, 9, 12, 10, 11]);

export function exportEverything(bytes: Uint8Array): Uint8Array {
  const m = decodeModule(bytes.slice(), { exceptions: true });
  const entries: number[][] = [];
  const taken = new Set(m.exports.map((e) => e.name));
  const add = (name: string, kind: number, index: number) => {
    if (taken.has(name)) throw new Error(`module already exports ${name}`);
    entries.push([...encodeName(name), kind, ...encodeU32(index)]);
  };
  if (m.memories.length > 0) add(MEMORY_EXPORT, 2, 0);
  for (let i = 0; i < m.numImportedGlobals + m.globals.length; i++) add(globalExport(i), 3, i);
  for (let i = 0; i < m.tables.length; i++) add(tableExport(i), 1, i);
  for (let i = 0; i < m.tags.length; i++) add(tagExport(i), 4, i);
  if (entries.length === 0) return bytes;

  const secs = splitSections(bytes);
  const existing = secs.find((s) => s.id === 7);
  if (existing) {
    const count = readLeb(bytes, existing.payload)!;
    const payload = concat([
      encodeU32(Number(count.value) + entries.length),
      bytes.subarray(existing.payload + count.length, existing.end),
      entries.flat(),
    ]);
    return concat([bytes.subarray(0, existing.start), sectionBytes(7, payload), bytes.subarray(existing.end)]);
  }
  const section = sectionBytes(7, [...encodeU32(entries.length), ...entries.flat()]);
  const before = secs.find((s) => AFTER_EXPORT.has(s.id));
  const at = before ? before.start : bytes.length;
  return concat([bytes.subarray(0, at), section, bytes.subarray(at)]);
}
