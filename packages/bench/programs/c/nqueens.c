/* N-queens solution count by recursive backtracking over bitmasks (n ≤ 14): calls,
 * bit tricks, little memory. */
#include "bench.h"

static int solve(u32 all, u32 cols, u32 d1, u32 d2) {
  if (cols == all) return 1;
  int count = 0;
  u32 free_ = all & ~(cols | d1 | d2);
  while (free_) {
    u32 bit = free_ & -free_;
    free_ ^= bit;
    count += solve(all, cols | bit, ((d1 | bit) << 1) & all, (d2 | bit) >> 1);
  }
  return count;
}

int run(int n) {
  if (n > 14) n = 14;
  return solve((1u << n) - 1, 0, 0, 0);
}
