/* Boyer-Moore-Horspool search of `npat` patterns (8–23 bytes, cut from the text itself)
 * in a 512 KiB text over a 4-letter alphabet: byte compares and a skip table. Returns the
 * total match count folded with the last match position. */
#include "bench.h"

#define LEN (512 * 1024)
static u8 text[LEN];

static int horspool(const u8 *pat, int m, u32 *last) {
  int skip[256];
  for (int i = 0; i < 256; i++) skip[i] = m;
  for (int i = 0; i < m - 1; i++) skip[pat[i]] = m - 1 - i;
  int count = 0;
  for (int pos = 0; pos + m <= LEN;) {
    int j = m - 1;
    while (j >= 0 && text[pos + j] == pat[j]) j--;
    if (j < 0) { count++; *last = (u32)pos; }
    pos += skip[text[pos + m - 1]];
  }
  return count;
}

int run(int npat) {
  static const u8 alphabet[4] = {'a', 'c', 'g', 't'};
  u32 s = 11;
  for (int i = 0; i < LEN; i++) text[i] = alphabet[lcg_next(&s) >> 30];
  u32 h = 2166136261u, last = 0;
  for (int p = 0; p < npat; p++) {
    int m = 8 + (int)(lcg_next(&s) >> 28);
    int at = (int)(lcg_next(&s) % (LEN - 32));
    u8 pat[32];
    for (int i = 0; i < m; i++) pat[i] = text[at + i];
    /* Every other pattern gets a mutated byte so some searches find nothing. */
    if (p & 1) pat[m / 2] = 'x';
    h = fnv(h, (u32)horspool(pat, m, &last));
    h = fnv(h, last);
  }
  return (int)h;
}
