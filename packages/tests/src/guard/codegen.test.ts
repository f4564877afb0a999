// What each mode emits for an access (objdump as the independent decoder): explicit mode
// compares with [vmctx + MemSize] and branches to the trap stub; guard mode loads the base
// once from [vmctx + MemBase] and accesses base + index + offset with no compare at all, for
// register and constant addresses, with offsets below and above 2^31.
import { expect } from 'chai';
import { compileModuleCode, decodeModule, validateModule, type CompileOptions } from '@wasmjit/codegen';
import { disassemble, NO_OBJDUMP, objdumpAvailable } from '../x64/objdump.js';
import { wat } from './support.js';

const ACCESSES: Record<string, string> = {
  regSmall: '(i32.load offset=16 (local.get 0))',
  regLarge: '(i32.load offset=3000000000 (local.get 0))',
  constSmall: '(i32.load offset=4 (i32.const 1000))',
  constLarge: '(i32.load offset=4000000000 (i32.const 4000000000))',
  store: '(i32.store offset=8 (local.get 0) (i32.const 7)) (i32.const 0)',
};

async function disassembly(boundsChecks: CompileOptions['boundsChecks']): Promise<Map<string, string[]>> {
  const names = Object.keys(ACCESSES);
  const funcs = names.map((n) => `(func (export "${n}") (param i32) (result i32) ${ACCESSES[n]})`);
  const wasm = decodeModule(await wat(`(module (memory 1) ${funcs.join(' ')})`));
  validateModule(wasm);
  const compiled = compileModuleCode(wasm, { boundsChecks });
  const chunks = names.map((_, i) => compiled.code.subarray(compiled.funcOffsets[i]!, compiled.funcEnds[i]!));
  const decoded = disassemble(chunks);
  return new Map(names.map((n, i) => [n, decoded[i]!.map((d) => d.text)]));
}

const MEM_SIZE = /\[r14\+0x8\]/;
const MEM_BASE = /\[r14\]/;

describe('guard mode: what an access compiles to', function () {
  before(function () {
    if (!objdumpAvailable()) {
      console.warn(`guard codegen tests skipped: ${NO_OBJDUMP}`);
      this.skip();
    }
  });

  it('explicit mode compares every access with MemSize', async () => {
    for (const [name, lines] of await disassembly('explicit')) {
      expect(lines.filter((l) => /^cmp /.test(l) && MEM_SIZE.test(l)), name).to.have.length(1);
    }
  });

  it('guard mode: one MemBase load, no compare, base + index + offset', async () => {
    for (const [name, lines] of await disassembly('guard')) {
      expect(lines.filter((l) => MEM_SIZE.test(l)), `${name}: ${lines.join('; ')}`).to.deep.equal([]);
      expect(lines.filter((l) => MEM_BASE.test(l)), name).to.have.length(1);
      const access = lines.filter((l) => /\[r11/.test(l));
      expect(access, `${name}: ${lines.join('; ')}`).to.have.length(1);
    }
  });
});
