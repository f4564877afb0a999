// Binaryen's translate-to-fuzz declares its memory shared whenever the threads feature is on,
// and wasmjit refuses shared memories (V8 would then run the module on a SharedArrayBuffer
// and wasmjit not at all). Every atomic operator is defined on unshared memories too (wait
// traps, notify wakes nobody), so clearing the shared bit gives a module both engines run
// the same way: what the threads leg of the differential fuzzer compares.
//
// The limits flag byte is patched in place (shared 2/3 → 0/1): no size changes anywhere.
import { readLeb, splitSections } from './wasm-bytes.js';

const SECTION_IMPORT = 2;
const SECTION_MEMORY = 5;
const KIND_FUNC = 0;
const KIND_TABLE = 1;
const KIND_MEMORY = 2;
const KIND_GLOBAL = 3;
const KIND_TAG = 4;

/** A copy of `bytes` whose memories (defined and imported) are all unshared. */
export function unshareMemories(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  let pos = 0;
  const u32 = (): number => {
    const leb = readLeb(out, pos);
    if (!leb) throw new Error('unshareMemories: truncated LEB');
    pos += leb.length;
    return Number(leb.value);
  };
  /** Limits at pos: clears the shared bit of the flags, skips the rest. */
  const limits = (): void => {
    const flags = out[pos]!;
    if (flags === 2 || flags === 3) out[pos] = flags & 1;
    pos++;
    u32();
    if (flags & 1) u32();
  };
  for (const s of splitSections(out)) {
    pos = s.payload;
    if (s.id === SECTION_MEMORY) {
      for (let n = u32(); n > 0; n--) limits();
    } else if (s.id === SECTION_IMPORT) {
      for (let n = u32(); n > 0; n--) {
        for (let name = 0; name < 2; name++) {
          const length = u32(); // module name, then field name
          pos += length;
        }
        const kind = out[pos++]!;
        if (kind === KIND_FUNC) u32();
        else if (kind === KIND_TABLE) {
          pos++; // reference type
          const flags = out[pos++]!;
          u32();
          if (flags & 1) u32();
        } else if (kind === KIND_MEMORY) limits();
        else if (kind === KIND_GLOBAL) pos += 2;
        else if (kind === KIND_TAG) {
          pos++;
          u32();
        } else throw new Error(`unshareMemories: unknown import kind ${kind}`);
      }
    }
  }
  return out;
}
