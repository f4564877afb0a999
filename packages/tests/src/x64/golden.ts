// Golden encodings: an assembler call, the exact bytes it must produce, and what binutils'
// objdump (-M intel) prints for those bytes. The text was produced by objdump and pasted;
// golden-objdump.test.ts re-checks it whenever objdump is available.

import { Assembler } from './asm.js';

export interface Golden {
  emit: (a: Assembler) => void;
  hex: string;
  text: string;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function assemble(emit: (a: Assembler) => void): Uint8Array {
  const a = new Assembler();
  emit(a);
  return a.finish();
}

/** A readable name for a golden in test titles: the source of its emit function. */
export function goldenName(g: Golden): string {
  return g.emit.toString().replace(/^\(?a\)?\s*=>\s*/, '').replace(/\s+/g, ' ');
}
