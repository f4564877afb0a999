/* Recursive quicksort (median of three, Hoare partition) of `n` pseudo-random u32s (at most
 * 4M): compares, swaps, calls. Checks the order and returns a checksum of the result. */
#include "bench.h"

#define MAX (4 * 1024 * 1024)
static u32 a[MAX];

static void sort(u32 *v, int lo, int hi) {
  while (hi - lo > 16) {
    int mid = lo + (hi - lo) / 2;
    u32 x = v[lo], y = v[mid], z = v[hi];
    u32 pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
    int i = lo - 1, j = hi + 1;
    for (;;) {
      do i++; while (v[i] < pivot);
      do j--; while (v[j] > pivot);
      if (i >= j) break;
      u32 t = v[i]; v[i] = v[j]; v[j] = t;
    }
    /* Recurse into the smaller half so the stack stays O(log n). */
    if (j - lo < hi - j) { sort(v, lo, j); lo = j + 1; }
    else { sort(v, j + 1, hi); hi = j; }
  }
  for (int i = lo + 1; i <= hi; i++) {
    u32 t = v[i];
    int k = i - 1;
    while (k >= lo && v[k] > t) { v[k + 1] = v[k]; k--; }
    v[k + 1] = t;
  }
}

int run(int n) {
  if (n > MAX) n = MAX;
  u32 s = 7;
  for (int i = 0; i < n; i++) a[i] = lcg_next(&s);
  sort(a, 0, n - 1);
  u32 h = 2166136261u;
  for (int i = 1; i < n; i++) {
    if (a[i - 1] > a[i]) return -1;
    if ((i & 63) == 0) h = fnv(h, a[i]);
  }
  return (int)h;
}
