// decodeAcceptedModule (codegen wasm/module.ts), what a code cache hit decodes: the same
// module as decodeModule, with the element, code and name sections decoded when first read.
import { expect } from 'chai';
import { decodeAcceptedModule, decodeModule, type WasmModule } from '@wasmjit/codegen';
import { wat } from '../util/wat.js';
import { largeModule } from '../util/large-module.js';
import { MEMORY_PROGRAM, TABLE_PROGRAM, TRAP_PROGRAM } from '../cache/programs.js';

/** Everything of a decoded module, data segments as plain values. */
function flat(m: WasmModule): unknown {
  return {
    ...m,
    bytes: m.bytes.length,
    datas: m.datas.map((d) => ({ mode: d.mode, memory: d.memory, offset: d.offset, bytes: Array.from(d.bytes) })),
    names: { functions: [...m.names.functions], locals: [...m.names.locals].map(([f, l]) => [f, [...l]]) },
  };
}

const PASSIVE_AND_NAMES = `(module (memory 1)
  (data "passive one") (data (i32.const 8) "active") (data (i32.const 100) "")
  (table 2 funcref) (elem (i32.const 0) $first $second)
  (func $first (param $x i32) (result i32) (local $y i64) (local.get $x))
  (func $second (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 3))))`;

describe('wasm: decodeAcceptedModule (code cache hits)', () => {
  it('gives what decodeModule gives, field by field', async () => {
    const modules = [
      await wat(MEMORY_PROGRAM), await wat(TABLE_PROGRAM), await wat(TRAP_PROGRAM, { names: true }),
      await wat(PASSIVE_AND_NAMES, { names: true }), largeModule({ functions: 300, groupsPerFunction: 3 }),
    ];
    for (const bytes of modules) {
      const eager = decodeModule(bytes);
      const lazy = decodeAcceptedModule(bytes);
      expect(flat(lazy)).to.deep.equal(flat(eager));
      expect(lazy.codes.length).to.equal(lazy.funcs.length - lazy.numImportedFuncs);
    }
  });

  it('decodes each deferred section on its first read only, and each one alone', async () => {
    const bytes = await wat(PASSIVE_AND_NAMES, { names: true });
    const m = decodeAcceptedModule(bytes);
    const isGetter = (field: string) => typeof Object.getOwnPropertyDescriptor(m, field)?.get === 'function';
    const fields = ['elems', 'codes', 'names'];
    expect(fields.map(isGetter)).to.deep.equal([true, true, true]);
    // Data segments are decoded into their table at once (wasm/data-segments.ts); their
    // objects are built on the first read of `datas`, once.
    expect(m.dataSegments!.count).to.equal(3);
    const datas = m.datas;
    expect(datas).to.have.length(3);
    expect(m.datas).to.equal(datas);
    expect(fields.map(isGetter)).to.deep.equal([true, true, true]);
    expect(m.names.functions.get(0)).to.equal('first');
    expect(m.codes[0]!.numLocals).to.equal(1);
    expect(m.elems[0]!.init).to.have.length(2);
    expect(fields.map(isGetter)).to.deep.equal([false, false, false]);
  });
});
