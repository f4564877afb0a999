// Golden encodings: the locked read-modify-writes, xchg, mfence and the alignment test of the
// wasm atomics (codegen x64/atomics.ts), each width 8..64 with byte registers that need a
// bare REX (sil, dil), extended registers, and bases that need a SIB or a displacement.
// Text produced by objdump -D -b binary -mi386:x86-64 -M intel (GNU binutils), re-checked by
// golden-objdump.test.ts.

import { lockCmpxchg, lockXadd, mfence, testRegImm32, xchgMem, RAX, RCX, RDX, RBX, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R15 } from './asm.js';
import type { Golden } from './golden.js';

export const ATOMIC_GOLDENS: Golden[] = [
  { emit: (a) => lockXadd(a, 8, { base: R11, index: RAX, disp: 0 }, RSI), hex: 'f0410fc03403', text: 'lock xadd BYTE PTR [r11+rax*1],sil' },
  { emit: (a) => lockXadd(a, 8, { base: RBP, index: R13, disp: 0x7fffffff }, RDI), hex: 'f0420fc0bc2dffffff7f', text: 'lock xadd BYTE PTR [rbp+r13*1+0x7fffffff],dil' },
  { emit: (a) => lockXadd(a, 8, { base: R12, disp: -8 }, R9), hex: 'f0450fc04c24f8', text: 'lock xadd BYTE PTR [r12-0x8],r9b' },
  { emit: (a) => lockXadd(a, 16, { base: R11, index: RAX, disp: 0 }, RCX), hex: 'f066410fc10c03', text: 'lock xadd WORD PTR [r11+rax*1],cx' },
  { emit: (a) => lockXadd(a, 16, { base: RBP, index: R13, disp: 0x7fffffff }, R15), hex: 'f066460fc1bc2dffffff7f', text: 'lock xadd WORD PTR [rbp+r13*1+0x7fffffff],r15w' },
  { emit: (a) => lockXadd(a, 16, { base: R12, disp: -8 }, RDX), hex: 'f066410fc15424f8', text: 'lock xadd WORD PTR [r12-0x8],dx' },
  { emit: (a) => lockXadd(a, 32, { base: R11, index: RAX, disp: 0 }, RAX), hex: 'f0410fc10403', text: 'lock xadd DWORD PTR [r11+rax*1],eax' },
  { emit: (a) => lockXadd(a, 32, { base: RBP, index: R13, disp: 0x7fffffff }, R8), hex: 'f0460fc1842dffffff7f', text: 'lock xadd DWORD PTR [rbp+r13*1+0x7fffffff],r8d' },
  { emit: (a) => lockXadd(a, 32, { base: R12, disp: -8 }, RBX), hex: 'f0410fc15c24f8', text: 'lock xadd DWORD PTR [r12-0x8],ebx' },
  { emit: (a) => lockXadd(a, 64, { base: R11, index: RAX, disp: 0 }, RDX), hex: 'f0490fc11403', text: 'lock xadd QWORD PTR [r11+rax*1],rdx' },
  { emit: (a) => lockXadd(a, 64, { base: RBP, index: R13, disp: 0x7fffffff }, R10), hex: 'f04e0fc1942dffffff7f', text: 'lock xadd QWORD PTR [rbp+r13*1+0x7fffffff],r10' },
  { emit: (a) => lockXadd(a, 64, { base: R12, disp: -8 }, RSI), hex: 'f0490fc17424f8', text: 'lock xadd QWORD PTR [r12-0x8],rsi' },
  { emit: (a) => xchgMem(a, 8, { base: R11, index: RAX, disp: 0 }, RSI), hex: '41863403', text: 'xchg BYTE PTR [r11+rax*1],sil' },
  { emit: (a) => xchgMem(a, 8, { base: RBP, index: R13, disp: 0x7fffffff }, RDI), hex: '4286bc2dffffff7f', text: 'xchg BYTE PTR [rbp+r13*1+0x7fffffff],dil' },
  { emit: (a) => xchgMem(a, 8, { base: R12, disp: -8 }, R9), hex: '45864c24f8', text: 'xchg BYTE PTR [r12-0x8],r9b' },
  { emit: (a) => xchgMem(a, 16, { base: R11, index: RAX, disp: 0 }, RCX), hex: '6641870c03', text: 'xchg WORD PTR [r11+rax*1],cx' },
  { emit: (a) => xchgMem(a, 16, { base: RBP, index: R13, disp: 0x7fffffff }, R15), hex: '664687bc2dffffff7f', text: 'xchg WORD PTR [rbp+r13*1+0x7fffffff],r15w' },
  { emit: (a) => xchgMem(a, 16, { base: R12, disp: -8 }, RDX), hex: '6641875424f8', text: 'xchg WORD PTR [r12-0x8],dx' },
  { emit: (a) => xchgMem(a, 32, { base: R11, index: RAX, disp: 0 }, RAX), hex: '41870403', text: 'xchg DWORD PTR [r11+rax*1],eax' },
  { emit: (a) => xchgMem(a, 32, { base: RBP, index: R13, disp: 0x7fffffff }, R8), hex: '4687842dffffff7f', text: 'xchg DWORD PTR [rbp+r13*1+0x7fffffff],r8d' },
  { emit: (a) => xchgMem(a, 32, { base: R12, disp: -8 }, RBX), hex: '41875c24f8', text: 'xchg DWORD PTR [r12-0x8],ebx' },
  { emit: (a) => xchgMem(a, 64, { base: R11, index: RAX, disp: 0 }, RDX), hex: '49871403', text: 'xchg QWORD PTR [r11+rax*1],rdx' },
  { emit: (a) => xchgMem(a, 64, { base: RBP, index: R13, disp: 0x7fffffff }, R10), hex: '4e87942dffffff7f', text: 'xchg QWORD PTR [rbp+r13*1+0x7fffffff],r10' },
  { emit: (a) => xchgMem(a, 64, { base: R12, disp: -8 }, RSI), hex: '49877424f8', text: 'xchg QWORD PTR [r12-0x8],rsi' },
  { emit: (a) => lockCmpxchg(a, 8, { base: R11, index: RAX, disp: 0 }, RSI), hex: 'f0410fb03403', text: 'lock cmpxchg BYTE PTR [r11+rax*1],sil' },
  { emit: (a) => lockCmpxchg(a, 8, { base: RBP, index: R13, disp: 0x7fffffff }, RDI), hex: 'f0420fb0bc2dffffff7f', text: 'lock cmpxchg BYTE PTR [rbp+r13*1+0x7fffffff],dil' },
  { emit: (a) => lockCmpxchg(a, 8, { base: R12, disp: -8 }, R9), hex: 'f0450fb04c24f8', text: 'lock cmpxchg BYTE PTR [r12-0x8],r9b' },
  { emit: (a) => lockCmpxchg(a, 16, { base: R11, index: RAX, disp: 0 }, RCX), hex: 'f066410fb10c03', text: 'lock cmpxchg WORD PTR [r11+rax*1],cx' },
  { emit: (a) => lockCmpxchg(a, 16, { base: RBP, index: R13, disp: 0x7fffffff }, R15), hex: 'f066460fb1bc2dffffff7f', text: 'lock cmpxchg WORD PTR [rbp+r13*1+0x7fffffff],r15w' },
  { emit: (a) => lockCmpxchg(a, 16, { base: R12, disp: -8 }, RDX), hex: 'f066410fb15424f8', text: 'lock cmpxchg WORD PTR [r12-0x8],dx' },
  { emit: (a) => lockCmpxchg(a, 32, { base: R11, index: RAX, disp: 0 }, RAX), hex: 'f0410fb10403', text: 'lock cmpxchg DWORD PTR [r11+rax*1],eax' },
  { emit: (a) => lockCmpxchg(a, 32, { base: RBP, index: R13, disp: 0x7fffffff }, R8), hex: 'f0460fb1842dffffff7f', text: 'lock cmpxchg DWORD PTR [rbp+r13*1+0x7fffffff],r8d' },
  { emit: (a) => lockCmpxchg(a, 32, { base: R12, disp: -8 }, RBX), hex: 'f0410fb15c24f8', text: 'lock cmpxchg DWORD PTR [r12-0x8],ebx' },
  { emit: (a) => lockCmpxchg(a, 64, { base: R11, index: RAX, disp: 0 }, RDX), hex: 'f0490fb11403', text: 'lock cmpxchg QWORD PTR [r11+rax*1],rdx' },
  { emit: (a) => lockCmpxchg(a, 64, { base: RBP, index: R13, disp: 0x7fffffff }, R10), hex: 'f04e0fb1942dffffff7f', text: 'lock cmpxchg QWORD PTR [rbp+r13*1+0x7fffffff],r10' },
  { emit: (a) => lockCmpxchg(a, 64, { base: R12, disp: -8 }, RSI), hex: 'f0490fb17424f8', text: 'lock cmpxchg QWORD PTR [r12-0x8],rsi' },
  { emit: (a) => mfence(a), hex: '0faef0', text: 'mfence' },
  { emit: (a) => testRegImm32(a, RAX, 3), hex: 'f7c003000000', text: 'test eax,0x3' },
  { emit: (a) => testRegImm32(a, R9, 7), hex: '41f7c107000000', text: 'test r9d,0x7' },
  { emit: (a) => testRegImm32(a, RDI, 1), hex: 'f7c701000000', text: 'test edi,0x1' },
];
