/*
 * SHA-256 (FIPS 180-4) of our own, for the code cache's wasm digest (wasm_digest.c). Why not
 * node's: the prebuilt add-on may import nothing from node but Node-API (OpenSSL's symbols
 * would tie it to one Node ABI: pack/prebuilt.test.ts), and node's createHash from JS runs on
 * the calling thread only, where the digest's leaves can be hashed by several threads here.
 *
 * Two compressions: one with the SHA extensions (SHA-NI: sha256rnds2 does two rounds,
 * sha256msg1/msg2 the message schedule), picked at run time by CPUID, and a portable one.
 * Both are checked against node's SHA-256 (cache/sha256-native.test.ts).
 */
#include <cpuid.h>
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "code_share.h"

static const uint32_t wj_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t wj_h0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static inline uint32_t wj_ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static inline uint32_t wj_load_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wj_sha256_blocks_portable(uint32_t s[8], const uint8_t *p, size_t blocks) {
  for (; blocks > 0; blocks--, p += 64) {
    uint32_t w[64];
    for (int t = 0; t < 16; t++) w[t] = wj_load_be32(p + 4 * t);
    for (int t = 16; t < 64; t++) {
      uint32_t s0 = wj_ror(w[t - 15], 7) ^ wj_ror(w[t - 15], 18) ^ (w[t - 15] >> 3);
      uint32_t s1 = wj_ror(w[t - 2], 17) ^ wj_ror(w[t - 2], 19) ^ (w[t - 2] >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
    for (int t = 0; t < 64; t++) {
      uint32_t t1 = h + (wj_ror(e, 6) ^ wj_ror(e, 11) ^ wj_ror(e, 25)) + ((e & f) ^ (~e & g)) + wj_k[t] + w[t];
      uint32_t t2 = (wj_ror(a, 2) ^ wj_ror(a, 13) ^ wj_ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    s[0] += a, s[1] += b, s[2] += c, s[3] += d, s[4] += e, s[5] += f, s[6] += g, s[7] += h;
  }
}

/*
 * sha256rnds2 keeps the eight working variables in two registers, {A,B,E,F} and {C,D,G,H}
 * (A and C in the highest lane), and takes W[t]+K[t] of its two rounds from the low lanes of
 * xmm0. After two rounds the old {A,B,E,F} is the new {C,D,G,H}, so the registers alternate.
 */
#define WJ_NI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* Four rounds from group `g` of the schedule (W[4g..4g+3] in `w`). */
#define WJ_NI_ROUNDS(w, g)                                                              \
  do {                                                                                  \
    __m128i wk = _mm_add_epi32((w), _mm_loadu_si128((const __m128i *)&wj_k[4 * (g)])); \
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                                       \
    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0e));             \
  } while (0)

/* W[t..t+3] from the previous sixteen words: w0 = W[t-16..], w1 = W[t-12..], w2, w3 = W[t-4..]. */
#define WJ_NI_NEXT(w0, w1, w2, w3) \
  _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32((w0), (w1)), _mm_alignr_epi8((w3), (w2), 4)), (w3))

WJ_NI_TARGET static void wj_sha256_blocks_ni(uint32_t s[8], const uint8_t *p, size_t blocks) {
  const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s[0]), 0xb1); /* b,a,d,c */
  __m128i hgfe = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s[4]), 0x1b); /* h,g,f,e */
  __m128i abef = _mm_alignr_epi8(dcba, hgfe, 8);                                   /* f,e,b,a */
  __m128i cdgh = _mm_blend_epi16(hgfe, dcba, 0xf0);                                /* h,g,d,c */
  for (; blocks > 0; blocks--, p += 64) {
    const __m128i abef0 = abef, cdgh0 = cdgh;
    __m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), byteswap);
    __m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), byteswap);
    __m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), byteswap);
    __m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), byteswap);
    WJ_NI_ROUNDS(w0, 0);
    WJ_NI_ROUNDS(w1, 1);
    WJ_NI_ROUNDS(w2, 2);
    WJ_NI_ROUNDS(w3, 3);
    for (int g = 4; g < 16; g += 4) {
      w0 = WJ_NI_NEXT(w0, w1, w2, w3);
      WJ_NI_ROUNDS(w0, g);
      w1 = WJ_NI_NEXT(w1, w2, w3, w0);
      WJ_NI_ROUNDS(w1, g + 1);
      w2 = WJ_NI_NEXT(w2, w3, w0, w1);
      WJ_NI_ROUNDS(w2, g + 2);
      w3 = WJ_NI_NEXT(w3, w0, w1, w2);
      WJ_NI_ROUNDS(w3, g + 3);
    }
    abef = _mm_add_epi32(abef, abef0);
    cdgh = _mm_add_epi32(cdgh, cdgh0);
  }
  __m128i abef_r = _mm_shuffle_epi32(abef, 0x1b); /* a,b,e,f */
  __m128i cdgh_r = _mm_shuffle_epi32(cdgh, 0xb1); /* g,h,c,d */
  _mm_storeu_si128((__m128i *)&s[0], _mm_blend_epi16(abef_r, cdgh_r, 0xf0)); /* a,b,c,d */
  _mm_storeu_si128((__m128i *)&s[4], _mm_alignr_epi8(cdgh_r, abef_r, 8));   /* e,f,g,h */
}

typedef void (*wj_sha256_blocks_fn)(uint32_t s[8], const uint8_t *p, size_t blocks);

static int wj_cpu_has_sha_ni(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  int ssse3_sse41 = (c & (1u << 9)) && (c & (1u << 19));
  if (!ssse3_sse41 || !__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  return (b & (1u << 29)) != 0;
}

/* 0 unknown, 1 portable, 2 SHA-NI; racing first callers compute the same answer. */
static volatile int wj_sha256_impl;

static wj_sha256_blocks_fn wj_sha256_pick(int impl) {
  if (impl == WJ_SHA256_AUTO) {
    if (wj_sha256_impl == 0) wj_sha256_impl = wj_cpu_has_sha_ni() ? 2 : 1;
    impl = wj_sha256_impl == 2 ? WJ_SHA256_NI : WJ_SHA256_PORTABLE;
  }
  if (impl == WJ_SHA256_NI && !wj_cpu_has_sha_ni()) return NULL;
  return impl == WJ_SHA256_NI ? wj_sha256_blocks_ni : wj_sha256_blocks_portable;
}

int wj_sha256_with(int impl, const uint8_t *data, size_t length, uint8_t out[32]) {
  wj_sha256_blocks_fn blocks = wj_sha256_pick(impl);
  if (blocks == NULL) return 0;
  uint32_t s[8];
  memcpy(s, wj_h0, sizeof s);
  size_t whole = length / 64;
  if (whole > 0) blocks(s, data, whole);
  /* The tail, 0x80, zeros, and the length in bits (big-endian) fill one or two blocks. */
  uint8_t last[128] = {0};
  size_t rest = length - 64 * whole;
  memcpy(last, data + 64 * whole, rest);
  last[rest] = 0x80;
  size_t tail_blocks = rest + 1 + 8 <= 64 ? 1 : 2;
  uint64_t bits = (uint64_t)length * 8;
  for (int i = 0; i < 8; i++) last[64 * tail_blocks - 1 - i] = (uint8_t)(bits >> (8 * i));
  blocks(s, last, tail_blocks);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (uint8_t)(s[i] >> 24);
    out[4 * i + 1] = (uint8_t)(s[i] >> 16);
    out[4 * i + 2] = (uint8_t)(s[i] >> 8);
    out[4 * i + 3] = (uint8_t)s[i];
  }
  return 1;
}

void wj_sha256(const uint8_t *data, size_t length, uint8_t out[32]) {
  wj_sha256_with(WJ_SHA256_AUTO, data, length, out);
}
