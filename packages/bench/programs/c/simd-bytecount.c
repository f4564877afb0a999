/* memchr-style scanning, hand-vectorized with wasm SIMD over 1 MiB of text-like bytes: for a
 * different byte each round, count its occurrences and note where the first and last are,
 * sixteen bytes per compare (i8x16.eq, i8x16.bitmask, popcount / ctz / clz of the mask).
 * arg = rounds. */
#include "bench.h"
#include <wasm_simd128.h>

#define SIZE (1 << 20)
static u8 text[SIZE] __attribute__((aligned(16)));

int run(int rounds) {
  u32 seed = 11;
  for (int i = 0; i < SIZE; i++) {
    const u32 x = lcg_next(&seed) >> 24;
    text[i] = (u8)(x < 40 ? ' ' : x < 44 ? '\n' : 'a' + x % 26);
  }
  u32 h = 2166136261u;
  for (int r = 0; r < rounds; r++) {
    const u8 c = (u8)(r % 3 == 0 ? '\n' : r % 3 == 1 ? ' ' : 'a' + r % 26);
    const v128_t needle = wasm_i8x16_splat((char)c);
    u32 count = 0;
    i32 first = -1, last = -1;
    for (int i = 0; i < SIZE; i += 16) {
      const u32 mask = (u32)wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(text + i), needle));
      if (mask != 0) {
        count += (u32)__builtin_popcount(mask);
        if (first < 0) first = i + __builtin_ctz(mask);
        last = i + 31 - __builtin_clz(mask);
      }
    }
    h = fnv(fnv(fnv(h, count), (u32)first), (u32)last);
  }
  return (int)h;
}
