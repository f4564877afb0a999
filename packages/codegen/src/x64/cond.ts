// Condition codes: the 4-bit "tttn" field shared by Jcc (70+cc, 0F 80+cc), SETcc (0F 90+cc)
// and CMOVcc (0F 40+cc); Intel SDM Vol. 2A Appendix B.1.4.7, Table B-10. Bit 0 negates the
// condition, which is why inverting is a single xor.

export const enum Cond {
  O = 0, NO = 1, B = 2, AE = 3, E = 4, NE = 5, BE = 6, A = 7,
  S = 8, NS = 9, P = 10, NP = 11, L = 12, GE = 13, LE = 14, G = 15,
}

export function invertCond(c: Cond): Cond {
  return (c ^ 1) as Cond;
}

// Suffixes as binutils prints them (it picks b/ae/e/ne/... rather than c/nc/z/nz).
const SUFFIX = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];

/** The mnemonic suffix for `c`, e.g. 'ae' (so 'j' + condName(c) is the jump's mnemonic). */
export function condName(c: Cond): string {
  const s = SUFFIX[c];
  if (s === undefined) throw new Error(`BUG: bad condition code ${c as number}`);
  return s;
}
