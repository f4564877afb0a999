/* An open-addressing hash table (linear probing, u32 keys → u32 values): `n` inserts
 * (at most 1M) then 2n lookups, half of them misses. Returns hits and a value checksum. */
#include "bench.h"

#define CAP (1 << 21)
static u32 keys[CAP];
static u32 vals[CAP];
static u8 used[CAP];

static u32 hash(u32 k) {
  k ^= k >> 16;
  k *= 0x7feb352du;
  k ^= k >> 15;
  k *= 0x846ca68bu;
  k ^= k >> 16;
  return k;
}

static void put(u32 k, u32 v) {
  u32 i = hash(k) & (CAP - 1);
  while (used[i] && keys[i] != k) i = (i + 1) & (CAP - 1);
  used[i] = 1;
  keys[i] = k;
  vals[i] = v;
}

static int get(u32 k, u32 *v) {
  u32 i = hash(k) & (CAP - 1);
  while (used[i]) {
    if (keys[i] == k) { *v = vals[i]; return 1; }
    i = (i + 1) & (CAP - 1);
  }
  return 0;
}

int run(int n) {
  if (n > CAP / 2) n = CAP / 2;
  memset(used, 0, sizeof used);
  u32 s = 99;
  for (int i = 0; i < n; i++) put(lcg_next(&s) & 0x7fffffffu, (u32)i);
  /* Lookups alternate: a key that was inserted (replaying the same generator) and one with
   * the top bit set, which no inserted key has: a miss that probes to an empty slot. */
  u32 replay = 99, other = 12345, hits = 0, h = 2166136261u;
  for (int i = 0; i < 2 * n; i++) {
    u32 k = (i & 1) ? (lcg_next(&other) | 0x80000000u) : (lcg_next(&replay) & 0x7fffffffu);
    u32 v;
    if (get(k, &v)) { hits++; h = fnv(h, v); }
  }
  return (int)fnv(h, hits);
}
