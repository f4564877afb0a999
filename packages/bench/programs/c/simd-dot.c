/* Dot products and saxpy, hand-vectorized with wasm SIMD: an i16 dot product in 32-bit
 * accumulators (i32x4.dot_i16x8_s), and y = a*x + y with a float dot product (f32x4) over
 * 16 K elements, reduced with shuffles. arg = rounds. */
#include "bench.h"
#include <wasm_simd128.h>

#define N 16384
static short qa[N] __attribute__((aligned(16)));
static short qb[N] __attribute__((aligned(16)));
static float fx[N] __attribute__((aligned(16)));
static float fy[N] __attribute__((aligned(16)));

static float hsum(v128_t v) {
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}

int run(int rounds) {
  u32 seed = 3;
  for (int i = 0; i < N; i++) {
    qa[i] = (short)(lcg_next(&seed) >> 17);
    qb[i] = (short)(lcg_next(&seed) >> 17);
    fx[i] = (float)(lcg_next(&seed) >> 8) / 16777216.0f;
    fy[i] = (float)(lcg_next(&seed) >> 8) / 16777216.0f;
  }
  u32 h = 2166136261u;
  for (int r = 0; r < rounds; r++) {
    v128_t acc = wasm_i32x4_splat(0);
    for (int i = 0; i < N; i += 8) {
      acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(wasm_v128_load(qa + i), wasm_v128_load(qb + i)));
    }
    const u32 qdot = (u32)(wasm_i32x4_extract_lane(acc, 0) + wasm_i32x4_extract_lane(acc, 1) +
                           wasm_i32x4_extract_lane(acc, 2) + wasm_i32x4_extract_lane(acc, 3));
    const v128_t a = wasm_f32x4_splat(1.0f / (float)(r + 2));
    v128_t dot = wasm_f32x4_splat(0.0f);
    for (int i = 0; i < N; i += 4) {
      const v128_t x = wasm_v128_load(fx + i);
      const v128_t y = wasm_f32x4_add(wasm_f32x4_mul(a, x), wasm_v128_load(fy + i));
      /* Keep y bounded: saxpy again next round on the scaled-down result. */
      wasm_v128_store(fy + i, wasm_f32x4_mul(y, wasm_f32x4_splat(0.5f)));
      dot = wasm_f32x4_add(dot, wasm_f32x4_mul(x, y));
    }
    const float fdot = hsum(dot);
    union { float f; u32 u; } bits = {fdot};
    h = fnv(fnv(h, qdot), bits.u);
  }
  return (int)h;
}
