/* Mandelbrot, hand-vectorized with wasm SIMD: four pixels per f32x4, 64 iterations max, the
 * loop ends when no lane is still inside (v128.any_true). A lane that escaped keeps being
 * iterated but no longer counted (the compare's all-ones lanes are subtracted from the
 * count). Returns a checksum of the per-pixel iteration counts. */
#include "bench.h"
#include <wasm_simd128.h>

int run(int size) {
  u32 h = 2166136261u;
  const v128_t four = wasm_f32x4_splat(4.0f);
  const v128_t two = wasm_f32x4_splat(2.0f);
  const float step = 2.5f / (float)size;
  for (int py = 0; py < size; py++) {
    const v128_t ci = wasm_f32x4_splat(2.0f * (float)py / (float)size - 1.0f);
    for (int px = 0; px + 3 < size; px += 4) {
      const float x0 = (float)px * step - 2.0f;
      const v128_t cr = wasm_f32x4_make(x0, x0 + step, x0 + 2 * step, x0 + 3 * step);
      v128_t zr = wasm_f32x4_splat(0.0f), zi = zr, tr = zr, ti = zr;
      v128_t count = wasm_i32x4_splat(0);
      for (int k = 0; k < 64; k++) {
        const v128_t inside = wasm_f32x4_le(wasm_f32x4_add(tr, ti), four);
        if (!wasm_v128_any_true(inside)) break;
        zi = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(two, zr), zi), ci);
        zr = wasm_f32x4_add(wasm_f32x4_sub(tr, ti), cr);
        tr = wasm_f32x4_mul(zr, zr);
        ti = wasm_f32x4_mul(zi, zi);
        count = wasm_i32x4_sub(count, inside);
      }
      h = fnv(h, (u32)wasm_i32x4_extract_lane(count, 0));
      h = fnv(h, (u32)wasm_i32x4_extract_lane(count, 1));
      h = fnv(h, (u32)wasm_i32x4_extract_lane(count, 2));
      h = fnv(h, (u32)wasm_i32x4_extract_lane(count, 3));
    }
  }
  return (int)h;
}
