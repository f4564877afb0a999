/* Sieve of Eratosthenes up to `limit` (at most 16M) over a byte array: byte stores with
 * strides. Returns the number of primes found. */
#include "bench.h"

#define MAX (16 * 1024 * 1024)
static u8 composite[MAX];

int run(int limit) {
  if (limit > MAX) limit = MAX;
  for (int i = 0; i < limit; i++) composite[i] = 0;
  int count = 0;
  for (int i = 2; i < limit; i++) {
    if (composite[i]) continue;
    count++;
    for (int j = i + i; j < limit; j += i) composite[j] = 1;
  }
  return count;
}
