/* LU decomposition with partial pivoting of a diagonally dominant 100×100 f64 matrix,
 * `reps` times: row swaps, f64 division and the O(n^3) update. Returns Σ log-free product
 * proxy: the sum of U's diagonal over all repetitions. */
#include "bench.h"

#define N 100
static double M[N * N];

static double fabs_(double x) { return x < 0 ? -x : x; }

double run(int reps) {
  double total = 0;
  u32 s = 5;
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++)
        M[i * N + j] = (double)(lcg_next(&s) >> 8) * (1.0 / 16777216.0) + (i == j ? N * 0.5 : 0.0);
    for (int k = 0; k < N; k++) {
      int p = k;
      double best = fabs_(M[k * N + k]);
      for (int i = k + 1; i < N; i++) {
        double v = fabs_(M[i * N + k]);
        if (v > best) { best = v; p = i; }
      }
      if (p != k)
        for (int j = 0; j < N; j++) { double t = M[k * N + j]; M[k * N + j] = M[p * N + j]; M[p * N + j] = t; }
      double inv = 1.0 / M[k * N + k];
      for (int i = k + 1; i < N; i++) {
        double f = M[i * N + k] * inv;
        M[i * N + k] = f;
        for (int j = k + 1; j < N; j++) M[i * N + j] -= f * M[k * N + j];
      }
    }
    for (int i = 0; i < N; i++) total += M[i * N + i];
  }
  return total;
}
