/* n! in base 10^9 limbs (n ≤ 20000): u64 multiplies and divisions by a constant. Returns
 * a checksum of the limbs and their count. */
#include "bench.h"

#define MAXLIMBS 12000
static u32 limb[MAXLIMBS];

int run(int n) {
  if (n > 20000) n = 20000;
  int len = 1;
  limb[0] = 1;
  for (u32 k = 2; k <= (u32)n; k++) {
    u64 carry = 0;
    for (int i = 0; i < len; i++) {
      u64 v = (u64)limb[i] * k + carry;
      limb[i] = (u32)(v % 1000000000u);
      carry = v / 1000000000u;
    }
    while (carry) { limb[len++] = (u32)(carry % 1000000000u); carry /= 1000000000u; }
  }
  u32 h = 2166136261u;
  for (int i = 0; i < len; i++) h = fnv(h, limb[i]);
  return (int)fnv(h, (u32)len);
}
