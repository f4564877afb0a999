/* The libc routines clang emits calls to in freestanding code. Compiled with -fno-builtin
 * so the loops below are not themselves turned back into calls to memset/memcpy. */
#include "bench.h"

void *memset(void *dst, int c, usize n) {
  u8 *d = dst;
  while (n--) *d++ = (u8)c;
  return dst;
}

void *memcpy(void *dst, const void *src, usize n) {
  u8 *d = dst;
  const u8 *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void *memmove(void *dst, const void *src, usize n) {
  u8 *d = dst;
  const u8 *s = src;
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    d += n;
    s += n;
    while (n--) *--d = *--s;
  }
  return dst;
}

int memcmp(const void *a, const void *b, usize n) {
  const u8 *x = a, *y = b;
  for (; n; n--, x++, y++)
    if (*x != *y) return *x - *y;
  return 0;
}
