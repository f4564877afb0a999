/* Table-driven CRC-32 (IEEE, reflected) over a 256 KiB buffer, `rounds` times: byte loads,
 * table lookups, shifts. Returns the last CRC. */
#include "bench.h"

#define LEN (256 * 1024)
static u8 buf[LEN];
static u32 table[256];

int run(int rounds) {
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  u32 s = 3;
  for (int i = 0; i < LEN; i++) buf[i] = (u8)(lcg_next(&s) >> 24);
  u32 crc = 0;
  for (int r = 0; r < rounds; r++) {
    u32 c = ~crc;
    for (int i = 0; i < LEN; i++) c = table[(c ^ buf[i]) & 0xff] ^ (c >> 8);
    crc = ~c;
    buf[r % LEN] ^= (u8)crc;
  }
  return (int)crc;
}
