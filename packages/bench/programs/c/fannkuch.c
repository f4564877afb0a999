/* fannkuch-redux(n), n ≤ 12: permutations generated in place, prefix reversals counted.
 * Small-array loads/stores and unpredictable branches. Returns checksum and max flips. */
#include "bench.h"

int run(int n) {
  if (n > 12) n = 12;
  if (n < 3) n = 3;
  int perm[16], perm1[16], count[16];
  int maxflips = 0, checksum = 0, permcount = 0;
  for (int i = 0; i < n; i++) perm1[i] = i;
  int r = n;
  for (;;) {
    while (r != 1) { count[r - 1] = r; r--; }
    for (int i = 0; i < n; i++) perm[i] = perm1[i];
    int flips = 0, k;
    while ((k = perm[0]) != 0) {
      for (int i = 0, j = k; i < j; i++, j--) { int t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
      flips++;
    }
    if (flips > maxflips) maxflips = flips;
    checksum += (permcount & 1) ? -flips : flips;
    for (;;) {
      if (r == n) return checksum * 100 + maxflips;
      int p0 = perm1[0];
      for (int i = 0; i < r; i++) perm1[i] = perm1[i + 1];
      perm1[r] = p0;
      if (--count[r] > 0) break;
      r++;
    }
    permcount++;
  }
}
