/* A small stack-machine interpreter (a switch in a loop, which clang lowers to br_table)
 * running a bytecode program that sums the Collatz stopping times of 1..n-1 (n ≤ 100000,
 * where every trajectory stays below 2^32). */
#include "bench.h"

enum { PUSH, LOAD, STORE, ADD, MUL, SHR1, AND1, LT, EQ, JZ, JMP, HALT };

/* Registers: r0 = i, r1 = n, r2 = x, r3 = total steps. Offsets are in the comments. */
static const int program[] = {
  PUSH, 1, STORE, 0,                  /*  0: i = 1 */
  LOAD, 0, LOAD, 1, LT, JZ, 64,       /*  4: while (i < n) */
  LOAD, 0, STORE, 2,                  /* 11:   x = i */
  LOAD, 2, PUSH, 1, EQ, JZ, 24,       /* 15:   while (x != 1) */
  JMP, 55,                            /* 22: */
  LOAD, 2, AND1, JZ, 41,              /* 24:     if (x & 1) */
  LOAD, 2, PUSH, 3, MUL, PUSH, 1, ADD, STORE, 2, JMP, 46, /* 29: x = 3x + 1 */
  LOAD, 2, SHR1, STORE, 2,            /* 41:     else x >>= 1 */
  LOAD, 3, PUSH, 1, ADD, STORE, 3, JMP, 15, /* 46: steps++ */
  LOAD, 0, PUSH, 1, ADD, STORE, 0, JMP, 4,  /* 55: i++ */
  HALT,                               /* 64: */
};

static u32 exec(const int *code, u32 *reg) {
  const int *pc = code;
  u32 stack[16];
  int sp = 0;
  for (;;) {
    switch (*pc++) {
      case PUSH: stack[sp++] = (u32)*pc++; break;
      case LOAD: stack[sp++] = reg[*pc++]; break;
      case STORE: reg[*pc++] = stack[--sp]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case SHR1: stack[sp - 1] >>= 1; break;
      case AND1: stack[sp - 1] &= 1; break;
      case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
      case JZ: { int t = *pc++; if (!stack[--sp]) pc = code + t; break; }
      case JMP: pc = code + *pc; break;
      case HALT: return reg[3];
      default: return 0xffffffffu;
    }
  }
}

int run(int n) {
  if (n > 100000) n = 100000;
  u32 reg[4] = {0, (u32)n, 0, 0};
  return (int)exec(program, reg);
}
