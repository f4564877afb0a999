// Seeded random round trip: random instruction forms × registers × sizes × addressing
// modes × immediates are assembled one per chunk, decoded by objdump in one run, and must
// come back as exactly one instruction of the emitted length whose text matches an
// independent model of the Intel syntax (intel-text.ts).
//
// Reproduce a failure with X64_FUZZ_SEED=<seed> (printed in the message); X64_FUZZ_COUNT
// changes how many instructions are generated.

import { expect } from 'chai';
import {
  Assembler, type AluOp, type Cond, type FloatBitOp, type FloatOp, type Gpr, type Mem, type ShiftOp, type Xmm,
} from './asm.js';
import { ALU, CC, FBIT, FOP, imm, mem, r, SHIFT, x } from './intel-text.js';
import { disassemble, skipWithoutObjdump } from './objdump.js';
import { rng } from '../util/rng.js';
import { toHex } from './golden.js';

const DEFAULT_SEED = 0x5eed_2024;
const DEFAULT_COUNT = 4000;

interface Case {
  emit: (a: Assembler) => void;
  text: string;
  what: string;
}

function makeGen(seed: number) {
  const rand = rng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const gpr = () => int(16) as Gpr;
  const xmm = () => int(16) as Xmm;
  const size = () => pick([32, 64] as const);
  const fsz = () => pick([32, 64] as const);
  const cond = () => int(16) as Cond;
  const aluOp = () => int(8) as AluOp;
  const shiftOp = () => pick([0, 1, 4, 5, 7]) as ShiftOp;
  const DISPS = [0, 1, -1, 8, -8, 0x7f, 0x80, -0x80, -0x81, 0xff, 0x100, 0x7fffffff, -0x80000000, 0x12345678];
  const disp = () => {
    const k = int(4);
    if (k === 0) return pick(DISPS);
    if (k === 1) return int(256) - 128;
    if (k === 2) return (int(0x10000) << 16 | int(0x10000)) | 0;
    return 0;
  };
  const mem_ = (): Mem => {
    const m: Mem = { base: gpr(), disp: disp() };
    if (int(2) === 0) {
      let i = gpr();
      while (i === 4) i = gpr();
      m.index = i;
      m.scale = pick([1, 2, 4, 8] as const);
    }
    return m;
  };
  const I32S = [0, 1, -1, 0x7f, 0x80, -0x80, -0x81, 0x7fffffff, -0x80000000, 0xffff, 0x12345678];
  /** an immediate valid for a size-bit ALU operation (32: either reading; 64: simm32) */
  const aluImm = (sz: 32 | 64) => {
    const k = int(3);
    if (k === 0) return pick(I32S);
    if (k === 1) return int(256) - 128;
    const v = (int(0x10000) << 16 | int(0x10000)) | 0;
    return sz === 32 && int(2) === 0 ? v >>> 0 : v;
  };
  const u32 = () => int(0x10000) * 0x10000 + int(0x10000);
  const u64 = (): bigint => (BigInt(u32()) << 32n) | BigInt(u32());

  const forms: (() => Case)[] = [
    () => { const [s, d, q] = [size(), gpr(), gpr()]; return { emit: (a) => a.mov_rr(s, d, q), text: `mov ${r(d, s)},${r(q, s)}`, what: `mov_rr(${s},${d},${q})` }; },
    () => {
      const s = size(); const d = gpr();
      const v: bigint = pick([() => BigInt(aluImm(64)), () => u64(), () => BigInt(int(0x10000)), () => -BigInt(int(0x10000))])();
      const u = BigInt.asUintN(64, v);
      let text: string;
      if (s === 32) text = `mov ${r(d, 32)},${imm(u, 32)}`;
      else if (u < 1n << 32n) text = `mov ${r(d, 32)},${imm(u, 32)}`;
      else if (BigInt.asIntN(64, u) < 0n && BigInt.asIntN(64, u) >= -(1n << 31n)) text = `mov ${r(d, 64)},${imm(u, 64)}`;
      else text = `movabs ${r(d, 64)},${imm(u, 64)}`;
      return { emit: (a) => a.mov_ri(s, d, v), text, what: `mov_ri(${s},${d},${v}n)` };
    },
    () => { const [s, d, m] = [size(), gpr(), mem_()]; return { emit: (a) => a.mov_rm(s, d, m), text: `mov ${r(d, s)},${mem(m, s)}`, what: `mov_rm(${s},${d},${JSON.stringify(m)})` }; },
    () => { const [s, m, q] = [pick([8, 16, 32, 64] as const), mem_(), gpr()]; return { emit: (a) => a.mov_mr(s, m, q), text: `mov ${mem(m, s)},${r(q, s)}`, what: `mov_mr(${s},${JSON.stringify(m)},${q})` }; },
    () => {
      const s = pick([8, 16, 32, 64] as const); const m = mem_();
      const v = s === 8 ? int(256) - 128 : s === 16 ? int(0x10000) : aluImm(s === 64 ? 64 : 32);
      return { emit: (a) => a.mov_mi(s, m, v), text: `mov ${mem(m, s)},${imm(v, s)}`, what: `mov_mi(${s},${JSON.stringify(m)},${v})` };
    },
    () => { const [ss, d, m] = [pick([8, 16] as const), gpr(), mem_()]; return { emit: (a) => a.movzx_rm(ss, d, m), text: `movzx ${r(d, 32)},${mem(m, ss)}`, what: `movzx_rm(${ss},${d},${JSON.stringify(m)})` }; },
    () => {
      const [ds, ss, d, m] = [size(), pick([8, 16, 32] as const), gpr(), mem_()];
      const dd = ss === 32 ? 64 : ds;
      return { emit: (a) => a.movsx_rm(dd, ss, d, m), text: `${ss === 32 ? 'movsxd' : 'movsx'} ${r(d, dd)},${mem(m, ss)}`, what: `movsx_rm(${dd},${ss},${d},${JSON.stringify(m)})` };
    },
    () => { const [ss, d, q] = [pick([8, 16] as const), gpr(), gpr()]; return { emit: (a) => a.movzx_rr(ss, d, q), text: `movzx ${r(d, 32)},${r(q, ss)}`, what: `movzx_rr(${ss},${d},${q})` }; },
    () => {
      const [ds, ss, d, q] = [size(), pick([8, 16, 32] as const), gpr(), gpr()];
      const dd = ss === 32 ? 64 : ds;
      return { emit: (a) => a.movsx_rr(dd, ss, d, q), text: `${ss === 32 ? 'movsxd' : 'movsx'} ${r(d, dd)},${r(q, ss)}`, what: `movsx_rr(${dd},${ss},${d},${q})` };
    },
    () => { const [s, d, m] = [size(), gpr(), mem_()]; return { emit: (a) => a.lea(s, d, m), text: `lea ${r(d, s)},${mem(m)}`, what: `lea(${s},${d},${JSON.stringify(m)})` }; },
    () => { const [o, s, d, q] = [aluOp(), size(), gpr(), gpr()]; return { emit: (a) => a.alu_rr(o, s, d, q), text: `${ALU[o]} ${r(d, s)},${r(q, s)}`, what: `alu_rr(${o},${s},${d},${q})` }; },
    () => { const [o, s, d] = [aluOp(), size(), gpr()]; const v = aluImm(s); return { emit: (a) => a.alu_ri(o, s, d, v), text: `${ALU[o]} ${r(d, s)},${imm(v, s)}`, what: `alu_ri(${o},${s},${d},${v})` }; },
    () => { const [o, s, d, m] = [aluOp(), size(), gpr(), mem_()]; return { emit: (a) => a.alu_rm(o, s, d, m), text: `${ALU[o]} ${r(d, s)},${mem(m, s)}`, what: `alu_rm(${o},${s},${d},${JSON.stringify(m)})` }; },
    () => { const [o, s, m] = [aluOp(), size(), mem_()]; const v = aluImm(s); return { emit: (a) => a.alu_mi(o, s, m, v), text: `${ALU[o]} ${mem(m, s)},${imm(v, s)}`, what: `alu_mi(${o},${s},${JSON.stringify(m)},${v})` }; },
    () => { const [o, s, d] = [aluOp(), size(), gpr()]; return { emit: (a) => { a.alu_ri_patchable(o, s, d); }, text: `${ALU[o]} ${r(d, s)},0x0`, what: `alu_ri_patchable(${o},${s},${d})` }; },
    () => { const [s, p, q] = [size(), gpr(), gpr()]; return { emit: (a) => a.test_rr(s, p, q), text: `test ${r(p, s)},${r(q, s)}`, what: `test_rr(${s},${p},${q})` }; },
    () => { const [s, d, q] = [size(), gpr(), gpr()]; return { emit: (a) => a.imul_rr(s, d, q), text: `imul ${r(d, s)},${r(q, s)}`, what: `imul_rr(${s},${d},${q})` }; },
    () => { const [s, d, q] = [size(), gpr(), gpr()]; const v = aluImm(s); return { emit: (a) => a.imul_rri(s, d, q, v), text: `imul ${r(d, s)},${r(q, s)},${imm(v, s)}`, what: `imul_rri(${s},${d},${q},${v})` }; },
    () => { const [s, q] = [size(), gpr()]; return { emit: (a) => a.div_r(s, q), text: `div ${r(q, s)}`, what: `div_r(${s},${q})` }; },
    () => { const [s, q] = [size(), gpr()]; return { emit: (a) => a.idiv_r(s, q), text: `idiv ${r(q, s)}`, what: `idiv_r(${s},${q})` }; },
    () => pick([{ emit: (a: Assembler) => a.cdq(), text: 'cdq', what: 'cdq' }, { emit: (a: Assembler) => a.cqo(), text: 'cqo', what: 'cqo' }]),
    () => { const [o, s, d] = [shiftOp(), size(), gpr()]; return { emit: (a) => a.shift_rcl(o, s, d), text: `${SHIFT[o]} ${r(d, s)},cl`, what: `shift_rcl(${o},${s},${d})` }; },
    () => {
      const [o, s, d] = [shiftOp(), size(), gpr()]; const v = int(130) - 1;
      const c = v & (s - 1);
      return { emit: (a) => a.shift_ri(o, s, d, v), text: `${SHIFT[o]} ${r(d, s)},${c === 1 ? '1' : imm(c, 8)}`, what: `shift_ri(${o},${s},${d},${v})` };
    },
    () => { const [s, d] = [size(), gpr()]; return { emit: (a) => a.neg_r(s, d), text: `neg ${r(d, s)}`, what: `neg_r(${s},${d})` }; },
    () => { const [s, d, q] = [size(), gpr(), gpr()]; return { emit: (a) => a.lzcnt_rr(s, d, q), text: `lzcnt ${r(d, s)},${r(q, s)}`, what: `lzcnt_rr(${s},${d},${q})` }; },
    () => { const [s, d, q] = [size(), gpr(), gpr()]; return { emit: (a) => a.tzcnt_rr(s, d, q), text: `tzcnt ${r(d, s)},${r(q, s)}`, what: `tzcnt_rr(${s},${d},${q})` }; },
    () => { const [s, d, q] = [size(), gpr(), gpr()]; return { emit: (a) => a.popcnt_rr(s, d, q), text: `popcnt ${r(d, s)},${r(q, s)}`, what: `popcnt_rr(${s},${d},${q})` }; },
    () => { const [c, d] = [cond(), gpr()]; return { emit: (a) => a.setcc(c, d), text: `set${CC[c]} ${r(d, 8)}`, what: `setcc(${c},${d})` }; },
    () => { const [c, s, d, q] = [cond(), size(), gpr(), gpr()]; return { emit: (a) => a.cmov_rr(c, s, d, q), text: `cmov${CC[c]} ${r(d, s)},${r(q, s)}`, what: `cmov_rr(${c},${s},${d},${q})` }; },
    () => { const d = gpr(); return { emit: (a) => a.push_r(d), text: `push ${r(d, 64)}`, what: `push_r(${d})` }; },
    () => { const d = gpr(); return { emit: (a) => a.pop_r(d), text: `pop ${r(d, 64)}`, what: `pop_r(${d})` }; },
    () => { const d = gpr(); return { emit: (a) => a.call_r(d), text: `call ${r(d, 64)}`, what: `call_r(${d})` }; },
    () => { const d = gpr(); return { emit: (a) => a.jmp_r(d), text: `jmp ${r(d, 64)}`, what: `jmp_r(${d})` }; },
    () => { const m = mem_(); return { emit: (a) => a.call_m(m), text: `call ${mem(m, 64)}`, what: `call_m(${JSON.stringify(m)})` }; },
    () => { const m = mem_(); return { emit: (a) => a.jmp_m(m), text: `jmp ${mem(m, 64)}`, what: `jmp_m(${JSON.stringify(m)})` }; },
    () => {
      const c = cond();
      return int(2) === 0
        ? { emit: (a) => { const l = a.newLabel(); a.jcc_label(c, l); a.bind(l); }, text: `j${CC[c]} 0x6`, what: `jcc_label(${c}) forward` }
        : { emit: (a) => { const l = a.newLabel(); a.bind(l); a.jcc_label(c, l); }, text: `j${CC[c]} 0x0`, what: `jcc_label(${c}) backward` };
    },
    () => { const [f, d, m] = [fsz(), xmm(), mem_()]; return { emit: (a) => a.movs_rm(f, d, m), text: `movs${f === 32 ? 's' : 'd'} ${x(d)},${mem(m, f)}`, what: `movs_rm(${f},${d},${JSON.stringify(m)})` }; },
    () => { const [f, m, q] = [fsz(), mem_(), xmm()]; return { emit: (a) => a.movs_mr(f, m, q), text: `movs${f === 32 ? 's' : 'd'} ${mem(m, f)},${x(q)}`, what: `movs_mr(${f},${JSON.stringify(m)},${q})` }; },
    () => { const [d, q] = [xmm(), xmm()]; return { emit: (a) => a.movaps_rr(d, q), text: `movaps ${x(d)},${x(q)}`, what: `movaps_rr(${d},${q})` }; },
    () => { const [s, d, q] = [size(), xmm(), gpr()]; return { emit: (a) => a.movd_xr(s, d, q), text: `mov${s === 32 ? 'd' : 'q'} ${x(d)},${r(q, s)}`, what: `movd_xr(${s},${d},${q})` }; },
    () => { const [s, d, q] = [size(), gpr(), xmm()]; return { emit: (a) => a.movd_rx(s, d, q), text: `mov${s === 32 ? 'd' : 'q'} ${r(d, s)},${x(q)}`, what: `movd_rx(${s},${d},${q})` }; },
    () => { const [o, f, d, q] = [int(7) as FloatOp, fsz(), xmm(), xmm()]; return { emit: (a) => a.fop_rr(o, f, d, q), text: `${FOP[o]}s${f === 32 ? 's' : 'd'} ${x(d)},${x(q)}`, what: `fop_rr(${o},${f},${d},${q})` }; },
    () => { const [o, f, d, m] = [int(7) as FloatOp, fsz(), xmm(), mem_()]; return { emit: (a) => a.fop_rm(o, f, d, m), text: `${FOP[o]}s${f === 32 ? 's' : 'd'} ${x(d)},${mem(m, f)}`, what: `fop_rm(${o},${f},${d},${JSON.stringify(m)})` }; },
    () => { const [o, f, d, q] = [int(4) as FloatBitOp, fsz(), xmm(), xmm()]; return { emit: (a) => a.fbit_rr(o, f, d, q), text: `${FBIT[o]}p${f === 32 ? 's' : 'd'} ${x(d)},${x(q)}`, what: `fbit_rr(${o},${f},${d},${q})` }; },
    () => { const [f, d, q] = [fsz(), xmm(), xmm()]; return { emit: (a) => a.ucomis_rr(f, d, q), text: `ucomis${f === 32 ? 's' : 'd'} ${x(d)},${x(q)}`, what: `ucomis_rr(${f},${d},${q})` }; },
    () => { const [f, s, d, q] = [fsz(), size(), xmm(), gpr()]; return { emit: (a) => a.cvtsi2s(f, s, d, q), text: `cvtsi2s${f === 32 ? 's' : 'd'} ${x(d)},${r(q, s)}`, what: `cvtsi2s(${f},${s},${d},${q})` }; },
    () => { const [f, s, d, q] = [fsz(), size(), gpr(), xmm()]; return { emit: (a) => a.cvtts2si(f, s, d, q), text: `cvtts${f === 32 ? 's' : 'd'}2si ${r(d, s)},${x(q)}`, what: `cvtts2si(${f},${s},${d},${q})` }; },
    () => { const [f, d, q] = [fsz(), xmm(), xmm()]; return { emit: (a) => a.cvts2s(f, d, q), text: `${f === 64 ? 'cvtss2sd' : 'cvtsd2ss'} ${x(d)},${x(q)}`, what: `cvts2s(${f},${d},${q})` }; },
    () => { const [f, d, q, md] = [fsz(), xmm(), xmm(), int(16)]; return { emit: (a) => a.rounds(f, d, q, md), text: `rounds${f === 32 ? 's' : 'd'} ${x(d)},${x(q)},${imm(md, 8)}`, what: `rounds(${f},${d},${q},${md})` }; },
    () => { const [d, q] = [xmm(), xmm()]; return { emit: (a) => a.xorps_rr(d, q), text: `xorps ${x(d)},${x(q)}`, what: `xorps_rr(${d},${q})` }; },
  ];
  return () => pick(forms)();
}

describe('x64 random round trip through objdump', function () {
  this.timeout(30_000);

  it('agrees with objdump on length and text', function () {
    skipWithoutObjdump(this);
    const seed = process.env.X64_FUZZ_SEED !== undefined ? Number(process.env.X64_FUZZ_SEED) : DEFAULT_SEED;
    const count = process.env.X64_FUZZ_COUNT !== undefined ? Number(process.env.X64_FUZZ_COUNT) : DEFAULT_COUNT;
    const next = makeGen(seed);
    const cases: Case[] = [];
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const c = next();
      const a = new Assembler();
      c.emit(a);
      cases.push(c);
      chunks.push(a.finish());
    }
    const decoded = disassemble(chunks);
    const failures: string[] = [];
    cases.forEach((c, i) => {
      const d = decoded[i]!;
      const bytes = chunks[i]!;
      if (d.length !== 1 || d[0]!.offset !== 0 || d[0]!.length !== bytes.length || d[0]!.text !== c.text) {
        const got = d.map((q) => `'${q.text}' (${q.length} bytes)`).join(' ; ');
        failures.push(`#${i} ${c.what} [${toHex(bytes)}]: expected '${c.text}', objdump ${got}`);
      }
    });
    const shown = failures.slice(0, 40);
    expect(
      failures.length,
      `seed ${seed} (rerun with X64_FUZZ_SEED=${seed}): ${failures.length} of ${count} disagree\n${shown.join('\n')}`,
    ).to.equal(0);
  });
});
