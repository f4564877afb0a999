/* Base64 encode then decode a 192 KiB buffer, `rounds` times: byte shuffling, table
 * lookups, a reverse table. Returns a checksum of the round-tripped bytes. */
#include "bench.h"

#define LEN (192 * 1024)
static u8 raw[LEN], enc[LEN / 3 * 4], dec[LEN];
static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static u8 rev[256];

static void encode(void) {
  u8 *o = enc;
  for (int i = 0; i < LEN; i += 3) {
    u32 v = (u32)raw[i] << 16 | (u32)raw[i + 1] << 8 | raw[i + 2];
    *o++ = (u8)alphabet[v >> 18];
    *o++ = (u8)alphabet[(v >> 12) & 63];
    *o++ = (u8)alphabet[(v >> 6) & 63];
    *o++ = (u8)alphabet[v & 63];
  }
}

static int decode(void) {
  u8 *o = dec;
  for (int i = 0; i < LEN / 3 * 4; i += 4) {
    u32 a = rev[enc[i]], b = rev[enc[i + 1]], c = rev[enc[i + 2]], d = rev[enc[i + 3]];
    if ((a | b | c | d) & 0x80) return -1;
    u32 v = a << 18 | b << 12 | c << 6 | d;
    *o++ = (u8)(v >> 16);
    *o++ = (u8)(v >> 8);
    *o++ = (u8)v;
  }
  return 0;
}

int run(int rounds) {
  for (int i = 0; i < 256; i++) rev[i] = 0x80;
  for (int i = 0; i < 64; i++) rev[(u8)alphabet[i]] = (u8)i;
  u32 s = 17;
  for (int i = 0; i < LEN; i++) raw[i] = (u8)(lcg_next(&s) >> 24);
  u32 h = 2166136261u;
  for (int r = 0; r < rounds; r++) {
    encode();
    if (decode() < 0) return -1;
    for (int i = 0; i < LEN; i += 4096) h = fnv(h, dec[i]);
    raw[(r * 31) % LEN] ^= 0x5a;
  }
  return (int)h;
}
