/* Dense f64 matrix multiply (i-k-j order), `reps` times: loads, stores, f64 mul/add. */
#include "bench.h"

#define N 120
static double A[N * N], B[N * N], C[N * N];

double run(int reps) {
  u32 s = 42;
  for (int i = 0; i < N * N; i++) A[i] = (double)(lcg_next(&s) >> 8) * (1.0 / 16777216.0) - 0.5;
  for (int i = 0; i < N * N; i++) B[i] = (double)(lcg_next(&s) >> 8) * (1.0 / 16777216.0) - 0.5;
  double total = 0;
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < N * N; i++) C[i] = 0;
    for (int i = 0; i < N; i++)
      for (int k = 0; k < N; k++) {
        double aik = A[i * N + k];
        for (int j = 0; j < N; j++) C[i * N + j] += aik * B[k * N + j];
      }
    total += C[(r * 7919) % (N * N)];
    A[r % (N * N)] += 0.25; /* so no two repetitions are the same product */
  }
  return total;
}
