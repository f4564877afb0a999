// Lowering names no physical register: everything fixed goes through lower/masm (see
// masm-boundary.ts). The scanner is tested on snippets first, so that an empty result on the
// real sources means something.
import { expect } from 'chai';
import path from 'node:path';
import { REGISTERS_TS, boundaryFiles, readSource, roleNames, violations } from './masm-boundary.js';

describe('masm boundary: lowering names no physical register', () => {
  const roles = roleNames(readSource(REGISTERS_TS));

  it('reads the register roles from masm/registers.ts', () => {
    expect(roles).to.include.members(['SCRATCH_GPR', 'SCRATCH_XMM', 'VMCTX_REG', 'DIV_LOW', 'DIV_HIGH', 'SHIFT_COUNT', 'HOST_ARG_VMCTX']);
  });

  describe('the scanner', () => {
    const bad: [string, string][] = [
      ["import { R11, type Gpr } from '../../x64/regs.js';", 'imports the physical registers'],
      ['  a.mov_rm(64, R11, m);', 'names a physical register'],
      ['  a.movs_mr(64, m, XMM15);', 'names a physical register'],
      ['  fc.popToSpecific(RCX);', 'names a physical register'],
      ['  for (let i = 0; i < n; i++) a.buf.put4(0);', 'writes raw code bytes'],
      ['  a.cqo();', 'implicit registers'],
      ['  a.shift_rcl(op, size, lhs);', 'implicit registers'],
      ['  a.call_m({ base: r, disp: Vmctx.HostCall });', 'native entry of the vmctx'],
      ['  fc.popToSpecific(0);', 'fixed register by number'],
      ['  fc.ra.take(regClassOf(t), 0); // rax or xmm0', 'fixed register by number'],
      ['  const s = SCRATCH_GPR;', 'register role directly'],
    ];
    for (const [line, what] of bad) {
      it(`flags: ${line.trim()}`, () => {
        const found = violations('x.ts', line, roles);
        expect(found.some((f) => f.includes(what)), found.join('\n') || 'nothing found').to.equal(true);
      });
    }

    it('ignores registers named in comments, and register-agnostic code', () => {
      const src = [
        '// r11 = the table base; R11 is scratch',
        '/* RAX and',
        '   RDX */',
        '  a.mov_rm(64, dst, elementMem(elements, index)); // not R11 any more',
        "  const r = fc.popToReg() as Gpr;",
        "import type { Gpr } from '../masm/registers.js';",
        '  fc.ra.free(RegClass.Gpr, r);',
      ].join('\n');
      expect(violations('x.ts', src, roles)).to.deep.equal([]);
    });
  });

  it('holds for lower/ops, function-compiler.ts, host-thunk.ts and trap-stubs.ts', () => {
    const files = boundaryFiles();
    expect(files.length).to.be.greaterThan(15);
    const found = files.flatMap((f) => violations(path.basename(f), readSource(f), roles));
    expect(found, found.join('\n')).to.deep.equal([]);
  });
});
