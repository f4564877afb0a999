/* 8-bit image processing, hand-vectorized with wasm SIMD on a 256×256 RGBA image: average
 * two images (u8x16.avgr), brighten with saturation (u8x16.add_sat), weight each channel in
 * 16-bit lanes (extend, i16x8.mul, shift, narrow), and sum the result (extadd_pairwise).
 * arg = rounds; each round uses another brightness, so no round repeats another's work. */
#include "bench.h"
#include <wasm_simd128.h>

#define PIXELS (256 * 256)
static u8 img_a[PIXELS * 4] __attribute__((aligned(16)));
static u8 img_b[PIXELS * 4] __attribute__((aligned(16)));
static u8 out[PIXELS * 4] __attribute__((aligned(16)));

int run(int rounds) {
  u32 seed = 7;
  for (int i = 0; i < PIXELS * 4; i++) {
    img_a[i] = (u8)(lcg_next(&seed) >> 24);
    img_b[i] = (u8)(lcg_next(&seed) >> 24);
  }
  /* Per-channel weights (R, G, B, A) in 1/256ths, repeated for the two pixels of a half. */
  const v128_t weights = wasm_i16x8_make(77, 150, 29, 256, 77, 150, 29, 256);
  u32 h = 2166136261u;
  for (int r = 0; r < rounds; r++) {
    const v128_t bright = wasm_u8x16_splat((u8)(r & 63));
    v128_t sum = wasm_i32x4_splat(0);
    for (int i = 0; i < PIXELS * 4; i += 16) {
      const v128_t a = wasm_v128_load(img_a + i);
      const v128_t b = wasm_v128_load(img_b + i);
      const v128_t mixed = wasm_u8x16_add_sat(wasm_u8x16_avgr(a, b), bright);
      const v128_t lo = wasm_u16x8_shr(wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(mixed), weights), 8);
      const v128_t hi = wasm_u16x8_shr(wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(mixed), weights), 8);
      const v128_t px = wasm_u8x16_narrow_i16x8(lo, hi);
      wasm_v128_store(out + i, px);
      sum = wasm_i32x4_add(sum, wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(px)));
    }
    h = fnv(h, (u32)wasm_i32x4_extract_lane(sum, 0) + (u32)wasm_i32x4_extract_lane(sum, 1) +
                   (u32)wasm_i32x4_extract_lane(sum, 2) + (u32)wasm_i32x4_extract_lane(sum, 3));
    h = fnv(h, out[(r * 4099) & (PIXELS * 4 - 1)]);
  }
  return (int)h;
}
