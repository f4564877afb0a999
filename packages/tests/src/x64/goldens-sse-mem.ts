// Golden encodings: memory-operand forms of scalar SSE instructions (x64/sse-mem.ts), used by
// the float lowering to read operands straight from frame slots.
// Text produced by objdump -D -b binary -mi386:x86-64 -M intel (GNU binutils).

import {
  cvts2s_rm, cvtsi2s_rm, rounds_rm, ucomis_rm, RAX, RSP, RBP, R8, R12, R13, XMM0, XMM1, XMM7, XMM8, XMM15,
} from './asm.js';
import type { Golden } from './golden.js';

export const SSE_MEM_GOLDENS: Golden[] = [
  { emit: (a) => ucomis_rm(a, 32, XMM0, { base: RBP, disp: -16 }), hex: '0f2e45f0', text: 'ucomiss xmm0,DWORD PTR [rbp-0x10]' },
  { emit: (a) => ucomis_rm(a, 64, XMM0, { base: RBP, disp: -16 }), hex: '660f2e45f0', text: 'ucomisd xmm0,QWORD PTR [rbp-0x10]' },
  { emit: (a) => ucomis_rm(a, 32, XMM8, { base: RSP, disp: 8 }), hex: '440f2e442408', text: 'ucomiss xmm8,DWORD PTR [rsp+0x8]' },
  { emit: (a) => ucomis_rm(a, 64, XMM15, { base: R13, disp: 0x200 }), hex: '66450f2ebd00020000', text: 'ucomisd xmm15,QWORD PTR [r13+0x200]' },
  { emit: (a) => cvtsi2s_rm(a, 32, 32, XMM1, { base: RBP, disp: 16 }), hex: 'f30f2a4d10', text: 'cvtsi2ss xmm1,DWORD PTR [rbp+0x10]' },
  { emit: (a) => cvtsi2s_rm(a, 32, 64, XMM1, { base: RBP, disp: 16 }), hex: 'f3480f2a4d10', text: 'cvtsi2ss xmm1,QWORD PTR [rbp+0x10]' },
  { emit: (a) => cvtsi2s_rm(a, 64, 32, XMM8, { base: RAX, disp: 0 }), hex: 'f2440f2a00', text: 'cvtsi2sd xmm8,DWORD PTR [rax]' },
  { emit: (a) => cvtsi2s_rm(a, 64, 64, XMM7, { base: R12, index: R8, scale: 8, disp: 4 }), hex: 'f24b0f2a7cc404', text: 'cvtsi2sd xmm7,QWORD PTR [r12+r8*8+0x4]' },
  { emit: (a) => cvts2s_rm(a, 32, XMM0, { base: RBP, disp: -8 }), hex: 'f20f5a45f8', text: 'cvtsd2ss xmm0,QWORD PTR [rbp-0x8]' },
  { emit: (a) => cvts2s_rm(a, 64, XMM8, { base: RBP, disp: -8 }), hex: 'f3440f5a45f8', text: 'cvtss2sd xmm8,DWORD PTR [rbp-0x8]' },
  { emit: (a) => rounds_rm(a, 32, XMM1, { base: RBP, disp: -32 }, 9), hex: '660f3a0a4de009', text: 'roundss xmm1,DWORD PTR [rbp-0x20],0x9' },
  { emit: (a) => rounds_rm(a, 64, XMM15, { base: R12, disp: 0x80 }, 11), hex: '66450f3a0bbc24800000000b', text: 'roundsd xmm15,QWORD PTR [r12+0x80],0xb' },
];
