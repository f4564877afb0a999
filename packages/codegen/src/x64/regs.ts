// Register identities. A register is its hardware number (Intel SDM Vol. 2A §2.2.1.2,
// Table 2-4 "register field", extended to 0..15 by REX.R/X/B): the low three bits go in a
// ModRM/SIB/opcode field and bit 3 in the matching REX bit. Branded number types keep a Gpr
// from being passed where an Xmm (or a plain count) is expected, at zero runtime cost.

export type Gpr = number & { readonly __gpr: unique symbol };
export type Xmm = number & { readonly __xmm: unique symbol };

export const RAX = 0 as Gpr;
export const RCX = 1 as Gpr;
export const RDX = 2 as Gpr;
export const RBX = 3 as Gpr;
export const RSP = 4 as Gpr;
export const RBP = 5 as Gpr;
export const RSI = 6 as Gpr;
export const RDI = 7 as Gpr;
export const R8 = 8 as Gpr;
export const R9 = 9 as Gpr;
export const R10 = 10 as Gpr;
export const R11 = 11 as Gpr;
export const R12 = 12 as Gpr;
export const R13 = 13 as Gpr;
export const R14 = 14 as Gpr;
export const R15 = 15 as Gpr;

export const XMM0 = 0 as Xmm;
export const XMM1 = 1 as Xmm;
export const XMM2 = 2 as Xmm;
export const XMM3 = 3 as Xmm;
export const XMM4 = 4 as Xmm;
export const XMM5 = 5 as Xmm;
export const XMM6 = 6 as Xmm;
export const XMM7 = 7 as Xmm;
export const XMM8 = 8 as Xmm;
export const XMM9 = 9 as Xmm;
export const XMM10 = 10 as Xmm;
export const XMM11 = 11 as Xmm;
export const XMM12 = 12 as Xmm;
export const XMM13 = 13 as Xmm;
export const XMM14 = 14 as Xmm;
export const XMM15 = 15 as Xmm;

/** All sixteen general-purpose registers in hardware order (handy for allocators and tests). */
export const ALL_GPRS: readonly Gpr[] = [
  RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15,
];
/** All sixteen SSE registers in hardware order. */
export const ALL_XMMS: readonly Xmm[] = [
  XMM0, XMM1, XMM2, XMM3, XMM4, XMM5, XMM6, XMM7,
  XMM8, XMM9, XMM10, XMM11, XMM12, XMM13, XMM14, XMM15,
];

const LEGACY64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi'];
const LEGACY32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const LEGACY16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
// Numbers 4..7 as byte registers mean spl..dil only under a REX prefix (without one they
// are ah/ch/dh/bh, which this assembler never emits), so these are the names that apply.
const LEGACY8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'];

/** Intel-syntax name, spelled as binutils prints it (r8d/r8w/r8b for the new registers). */
export function gprName(r: Gpr, size: 8 | 16 | 32 | 64): string {
  if (!(r >= 0 && r <= 15 && Number.isInteger(r))) throw new Error(`BUG: not a gpr: ${r}`);
  if (r >= 8) {
    switch (size) {
      case 64: return `r${r}`;
      case 32: return `r${r}d`;
      case 16: return `r${r}w`;
      case 8: return `r${r}b`;
    }
  }
  switch (size) {
    case 64: return LEGACY64[r]!;
    case 32: return LEGACY32[r]!;
    case 16: return LEGACY16[r]!;
    case 8: return LEGACY8[r]!;
  }
  throw new Error(`BUG: bad register size ${size as number}`);
}

export function xmmName(x: Xmm): string {
  if (!(x >= 0 && x <= 15 && Number.isInteger(x))) throw new Error(`BUG: not an xmm: ${x}`);
  return `xmm${x}`;
}
