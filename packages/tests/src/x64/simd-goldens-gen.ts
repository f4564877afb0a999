// Writes goldens-simd.ts: for every row of codegen's SIMD table (x64/simd-ops.ts), a few
// operand combinations in SSE and in VEX form — low and high registers (REX / inverted VEX
// bits, the 2- and 3-byte VEX), base+index+disp memory operands — with the bytes our encoder
// produces and the text objdump decodes them to. Refuses to write if objdump's mnemonic is
// not the row's (so a wrong opcode cannot be blessed). Run after changing the table:
//   node packages/tests/dist/x64/simd-goldens-gen.js
// golden-objdump.test.ts re-checks the written text against objdump on every test run.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as X from './asm.js';
import { SIMD, SimdForm, type SimdOp } from './asm.js';
import { disassemble } from './objdump.js';
import { assemble, toHex } from './golden.js';

type Emit = (a: X.Assembler) => void;
interface Case { src: string; emit: Emit; mnemonic: string }

// Operand spellings: [source text, value].
const X0 = ['XMM0', X.XMM0] as const;
const X1 = ['XMM1', X.XMM1] as const;
const X2 = ['XMM2', X.XMM2] as const;
const X3 = ['XMM3', X.XMM3] as const;
const X8 = ['XMM8', X.XMM8] as const;
const X9 = ['XMM9', X.XMM9] as const;
const X14 = ['XMM14', X.XMM14] as const;
const X15 = ['XMM15', X.XMM15] as const;
const EAX = ['RAX', X.RAX] as const;
const R9 = ['R9', X.R9] as const;
const R14 = ['R14', X.R14] as const;
const M1 = ['{ base: RAX, disp: 0 }', { base: X.RAX, disp: 0 }] as const;
const M2 = ['{ base: R12, index: R13, scale: 8, disp: 0x40 }', { base: X.R12, index: X.R13, scale: 8 as const, disp: 0x40 }] as const;
const M3 = ['{ base: RBP, index: R9, scale: 2, disp: -0x100 }', { base: X.RBP, index: X.R9, scale: 2 as const, disp: -0x100 }] as const;
type Opd = readonly [string, unknown];

function mk(fn: string, key: string, args: Opd[], mnemonic: string): Case {
  const src = `(a) => ${fn}(a, SIMD.${key}${args.map((x) => `, ${x[0]}`).join('')})`;
  const f = (X as unknown as Record<string, (...a: unknown[]) => void>)[fn]!;
  const op = (SIMD as Record<string, SimdOp>)[key]!;
  return { src, emit: (a) => f(a, op, ...args.map((x) => x[1])), mnemonic };
}

const imm = (v: number): Opd => [`0x${v.toString(16)}`, v];

function cases(key: string, op: SimdOp): Case[] {
  const out: Case[] = [];
  const regs = op.only !== 'mem';
  const mems = op.only !== 'reg';
  // objdump names a compare by its predicate: cmpps with imm8 1 is cmpltps.
  const isCmp = op.mnemonic === 'cmpps' || op.mnemonic === 'cmppd';
  const sseName = isCmp ? `cmplt${op.mnemonic.slice(3)}` : op.mnemonic;
  const vexName = op.vexOnly ? op.mnemonic : `v${sseName}`;
  const i = op.imm ? [imm(isCmp ? 1 : 0x1b)] : [];
  const sse = !op.vexOnly;
  switch (op.form) {
    case SimdForm.Binary:
    case SimdForm.Unary: {
      if (sse) {
        if (regs) out.push(mk('sse', key, [X0, X1, ...i], sseName), mk('sse', key, [X8, X15, ...i], sseName), mk('sse', key, [X2, X9, ...i], sseName));
        if (mems) out.push(mk('sse', key, [X1, M1, ...i], sseName), mk('sse', key, [X9, M2, ...i], sseName), mk('sse', key, [X3, M3, ...i], sseName));
      }
      if (op.form === SimdForm.Binary) {
        if (regs) out.push(mk('vex', key, [X0, X1, X2, ...i], vexName), mk('vex', key, [X8, X9, X15, ...i], vexName), mk('vex', key, [X1, X14, X3, ...i], vexName));
        if (mems) out.push(mk('vex', key, [X2, X3, M1, ...i], vexName), mk('vex', key, [X9, X1, M2, ...i], vexName), mk('vex', key, [X0, X15, M3, ...i], vexName));
      } else {
        if (regs) out.push(mk('vexUnary', key, [X0, X1, ...i], vexName), mk('vexUnary', key, [X8, X15, ...i], vexName), mk('vexUnary', key, [X3, X9, ...i], vexName));
        if (mems) out.push(mk('vexUnary', key, [X2, M1, ...i], vexName), mk('vexUnary', key, [X9, M2, ...i], vexName));
      }
      break;
    }
    case SimdForm.Store:
      out.push(mk('sseStore', key, [M1, X1], sseName), mk('sseStore', key, [M2, X9], sseName), mk('sseStore', key, [M3, X3], sseName));
      out.push(mk('vexStore', key, [M1, X1], vexName), mk('vexStore', key, [M2, X9], vexName), mk('vexStore', key, [M3, X15], vexName));
      break;
    case SimdForm.ShiftImm:
      out.push(mk('sseShift', key, [X1, imm(3)], sseName), mk('sseShift', key, [X9, imm(15)], sseName));
      out.push(mk('vexShift', key, [X0, X1, imm(3)], vexName), mk('vexShift', key, [X8, X15, imm(7)], vexName), mk('vexShift', key, [X14, X2, imm(1)], vexName));
      break;
    case SimdForm.ToGpr:
      out.push(mk('sseToGpr', key, [EAX, X1, ...i], sseName), mk('sseToGpr', key, [R9, X15, ...i], sseName));
      out.push(mk('vexToGpr', key, [EAX, X1, ...i], vexName), mk('vexToGpr', key, [R14, X9, ...i], vexName));
      break;
    case SimdForm.Extract:
      if (regs) out.push(mk('sseExtract', key, [EAX, X1, imm(1)], sseName), mk('sseExtract', key, [R9, X15, imm(1)], sseName));
      if (mems) out.push(mk('sseExtract', key, [M1, X2, imm(1)], sseName), mk('sseExtract', key, [M2, X9, imm(1)], sseName));
      if (regs) out.push(mk('vexExtract', key, [EAX, X1, imm(1)], vexName), mk('vexExtract', key, [R14, X9, imm(1)], vexName));
      if (mems) out.push(mk('vexExtract', key, [M3, X3, imm(1)], vexName));
      break;
    case SimdForm.Insert:
      out.push(mk('sseInsert', key, [X1, EAX, imm(1)], sseName), mk('sseInsert', key, [X15, R9, imm(1)], sseName), mk('sseInsert', key, [X2, M2, imm(1)], sseName));
      out.push(mk('vexInsert', key, [X1, X2, EAX, imm(1)], vexName), mk('vexInsert', key, [X9, X14, R14, imm(1)], vexName), mk('vexInsert', key, [X0, X3, M3, imm(1)], vexName));
      break;
    case SimdForm.BlendXmm0:
      out.push(mk('sseBlendv', key, [X1, X2], sseName), mk('sseBlendv', key, [X9, X15], sseName), mk('sseBlendv', key, [X3, M2], sseName));
      break;
    case SimdForm.VexBlend:
      out.push(mk('vexBlendv', key, [X0, X1, X2, X3], vexName), mk('vexBlendv', key, [X8, X9, X15, X14], vexName), mk('vexBlendv', key, [X1, X2, M2, X8], vexName));
      break;
  }
  return out;
}

const all: Case[] = Object.entries(SIMD).flatMap(([k, op]) => cases(k, op as SimdOp));
const chunks = all.map((c) => assemble(c.emit));
const decoded = disassemble(chunks);
const lines: string[] = [];
const bad: string[] = [];
all.forEach((c, n) => {
  const d = decoded[n]!;
  const text = d.length === 1 ? d[0]!.text : d.map((x) => x.text).join(' ; ');
  if (d.length !== 1 || d[0]!.length !== chunks[n]!.length || !text.startsWith(`${c.mnemonic} `)) bad.push(`${c.src}: ${toHex(chunks[n]!)} -> ${text}`);
  lines.push(`  { emit: ${c.src}, hex: '${toHex(chunks[n]!)}', text: '${text}' },`);
});
if (bad.length > 0) {
  console.error(bad.join('\n'));
  process.exit(1);
}
const header = `// Golden encodings: the SSE and AVX (VEX) instructions of wasm SIMD, every row of
// codegen's x64/simd-ops.ts in each of its operand forms. Written by simd-goldens-gen.ts, which
// refuses to write a golden whose objdump mnemonic is not the row's; the text is from objdump
// -D -b binary -mi386:x86-64 -M intel (GNU binutils), re-checked by golden-objdump.test.ts.

import { SIMD, XMM0, XMM1, XMM2, XMM3, XMM8, XMM9, XMM14, XMM15, RAX, R9, R12, R13, R14, RBP } from './asm.js';
import { sse, vex, vexUnary, sseStore, vexStore, sseShift, vexShift, sseToGpr, vexToGpr, sseExtract, vexExtract, sseInsert, vexInsert, sseBlendv, vexBlendv } from './asm.js';
import type { Golden } from './golden.js';

export const SIMD_GOLDENS: Golden[] = [
`;
const out = fileURLToPath(new URL('../../src/x64/goldens-simd.ts', import.meta.url));
writeFileSync(out, `${header}${lines.join('\n')}\n];\n`);
console.log(`${all.length} goldens written to ${out}`);
