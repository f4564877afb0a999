/* Shared by every kernel: fixed-width types, a deterministic generator and the few libc
 * routines clang may call on its own (struct copies, zeroing). Kernels are freestanding
 * (no libc) so the .wasm imports nothing and runs the same in any engine. */
#ifndef BENCH_H
#define BENCH_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;
typedef long long i64;
typedef unsigned long usize;

/* Numerical Recipes LCG: cheap, deterministic, the same in every engine. */
static inline u32 lcg_next(u32 *state) {
  *state = *state * 1664525u + 1013904223u;
  return *state;
}

/* FNV-1a step: folds results into the checksum each kernel returns. */
static inline u32 fnv(u32 h, u32 v) {
  return (h ^ v) * 16777619u;
}

void *memset(void *dst, int c, usize n);
void *memcpy(void *dst, const void *src, usize n);
void *memmove(void *dst, const void *src, usize n);
int memcmp(const void *a, const void *b, usize n);

#endif
