// Module.serialize / Module.deserialize (runtime cache/serialized-module.ts): a round trip
// runs exactly as the original (results, traps, backtraces, memory, tables, imports, custom
// sections), in this process and in another one whose signature ids differ; and every kind
// of bad bytes is refused with an Error naming what mismatched: any single flipped byte,
// truncation at any length, other options, another compiler or format version.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Engine, Instance, Module, RuntimeError, SerializedModuleError } from '@wasmjit/runtime';
import { compiledParts, moduleInfo } from '../../../runtime/dist/module.js';
import { serializeModule } from '../../../runtime/dist/cache/serialized-module.js';
import { cpuFeatures } from '@wasmjit/codegen';
import { wat } from '../util/wat.js';
import { largeModule } from '../util/large-module.js';
import { programs } from './programs.js';
import { entryParts, flipped, headerJson, resealed, tempDir, withHeaderEdit } from './support.js';

type Exports = Record<string, (...a: unknown[]) => unknown>;

function exportsOf(m: Module, imports = {}): Exports {
  return new Instance(m, imports).exports as Exports;
}

function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    return { trap: e.message, frames: e.frames.map((fr) => [fr.funcIndex, fr.name, fr.offset]) };
  }
}

function refusal(f: () => unknown): SerializedModuleError {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(SerializedModuleError);
    return e as SerializedModuleError;
  }
  throw new Error('expected the bytes to be refused');
}

describe('cache: Module.serialize / Module.deserialize', () => {
  let p: Awaited<ReturnType<typeof programs>>;
  // Eager: these tests compare the code of a compiled module with its round trip's.
  const engine = new Engine({ compilation: 'eager' });
  before(async () => {
    p = await programs();
  });

  it('a round trip keeps imports, exports, custom sections and the machine code', () => {
    for (const bytes of [p.memory, p.table, p.trap]) {
      const m = new Module(bytes, engine);
      const back = Module.deserialize(m.serialize(), engine);
      expect(Module.exports(back)).to.deep.equal(Module.exports(m));
      expect(Module.imports(back)).to.deep.equal(Module.imports(m));
      expect(moduleInfo(back).customSections.map((c) => c.name)).to.deep.equal(moduleInfo(m).customSections.map((c) => c.name));
      expect(moduleInfo(back).bytes).to.deep.equal(moduleInfo(m).bytes);
      // Same process: the signature ids written back are the ones compiled in.
      expect(compiledParts(back)!.compiled.code).to.deep.equal(compiledParts(m)!.compiled.code);
      expect(compiledParts(back)!.compiled.funcOffsets).to.deep.equal(compiledParts(m)!.compiled.funcOffsets);
    }
  });

  it('memory, globals and their traps behave as in the original', () => {
    const run = (m: Module) => {
      const x = exportsOf(m);
      const mem = x.mem as unknown as WebAssembly.Memory;
      return [
        outcome(() => x.load!(16)), outcome(() => x.load!(20)), outcome(() => x.store!(100, 0x01020304)),
        outcome(() => x.load!(101)), outcome(() => x.grow!(2)), outcome(() => x.size!()), outcome(() => x.grow!(5)),
        outcome(() => x.bump!()), outcome(() => x.bump!()), outcome(() => x.oob!()), mem.buffer.byteLength,
      ];
    };
    const m = new Module(p.memory, engine);
    const back = Module.deserialize(m.serialize(), engine);
    const expected = run(m);
    expect(run(back)).to.deep.equal(expected);
    expect(JSON.stringify(expected)).to.include('out of bounds');
  });

  it('call_indirect, signature checks and tables behave as in the original', () => {
    const run = (m: Module) => {
      const x = exportsOf(m);
      return [0, 1, 2, 3].flatMap((i) => [outcome(() => x.callA!(i, 5)), outcome(() => x.callB!(i, 5n))]);
    };
    const m = new Module(p.table, engine);
    const back = Module.deserialize(m.serialize(), engine);
    const expected = run(m);
    expect(run(back)).to.deep.equal(expected);
    expect(expected[0]).to.deep.equal({ value: 15 });
    expect(expected[3]).to.deep.equal({ value: 6n });
    expect(JSON.stringify(expected, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).to.include('signature mismatch');
  });

  it('traps give the same backtraces (names, offsets) and imports are called', () => {
    const run = (m: Module) => {
      const x = exportsOf(m, { env: { log: (v: number) => v * 10 } });
      return [outcome(() => x.mid!(3)), outcome(() => x.nope!()), outcome(() => x.viaHost!(4)), outcome(() => x.down!(50))];
    };
    const m = new Module(p.trap, engine);
    const back = Module.deserialize(m.serialize(), engine);
    const expected = run(m);
    expect(run(back)).to.deep.equal(expected);
    expect((expected[0] as { frames: unknown[][] }).frames.map((f) => f[1])).to.deep.equal(['boom', 'mid']);
    expect(expected[2]).to.deep.equal({ value: 50 });
  });

  it('a large module (parallel-size, many functions) round-trips', () => {
    const bytes = largeModule({ functions: 300, groupsPerFunction: 8 });
    const m = new Module(bytes, engine);
    const back = Module.deserialize(m.serialize(), engine);
    const a = exportsOf(m);
    const b = exportsOf(back);
    for (const n of [1, 7, 1000]) expect(b.run!(n)).to.equal(a.run!(n));
    for (const i of [0, 5, 299]) expect(b.indirect!(i, 3)).to.equal(a.indirect!(i, 3));
  });

  it('serializes the same bytes in any process state, and loads into a process with other signature ids', () => {
    const m = new Module(p.table, engine);
    const bytes = m.serialize();
    // The signature ids are zeroed: the bytes do not depend on what this process compiled before.
    expect(new Module(p.table, engine).serialize()).to.deep.equal(bytes);
    const t = tempDir();
    try {
      const file = join(t.dir, 'table.wjcode');
      const other = join(t.dir, 'other.wasm');
      writeFileSync(file, bytes);
      writeFileSync(other, otherSignatures);
      const child = fileURLToPath(new URL('./relocate-child.js', import.meta.url));
      const out = JSON.parse(execFileSync(process.execPath, [child, file, other], { encoding: 'utf8' })) as Record<string, { value?: string; error?: string }>;
      expect(out.a).to.deep.equal({ value: '21' });
      expect(out.b).to.deep.equal({ value: '42' });
      expect(out.aAsB!.error).to.match(/signature mismatch/);
      expect(out.bAsA!.error).to.match(/signature mismatch/);
    } finally {
      t.remove();
    }
  });

  it('mutating the bytes after deserialize changes nothing', () => {
    const bytes = new Module(p.table, engine).serialize();
    const back = Module.deserialize(bytes, engine);
    bytes.fill(0);
    expect(exportsOf(back).callA!(0, 2)).to.equal(6);
  });

  describe('refusals', () => {
    let bytes: Uint8Array;
    before(() => {
      bytes = new Module(p.table, engine).serialize();
    });

    it('any single flipped byte (header, metadata, code, wasm, checksum)', () => {
      const { text } = headerJson(bytes);
      const parts = entryParts(bytes);
      const edges = [parts.mainDigest, parts.map, parts.mapDigest, parts.code].flatMap((at) => [at - 1, at, at + 1]);
      const positions = new Set<number>([0, 7, 8, 12, 16, 16 + text.indexOf('compiler'), 16 + text.indexOf('codeCrc32c') + 13, 16 + text.length - 1, ...edges, bytes.length - 1]);
      for (let at = 0; at < bytes.length; at += 13) positions.add(at);
      const fields = new Set<string>();
      for (const at of positions) {
        const e = refusal(() => Module.deserialize(flipped(bytes, at), engine));
        fields.add(e.field);
      }
      expect(positions.size).to.be.greaterThan(60);
      expect([...fields].sort()).to.deep.equal(['checksum', 'format', 'length', 'magic']);
    });

    it('truncation at any length', () => {
      for (let n = 0; n < bytes.length; n += n < 64 ? 1 : 17) {
        refusal(() => Module.deserialize(bytes.subarray(0, n), engine));
      }
      expect(refusal(() => Module.deserialize(bytes.subarray(0, bytes.length - 1), engine)).field).to.equal('checksum');
      expect(refusal(() => Module.deserialize(bytes.subarray(0, bytes.length >> 1), engine)).field).to.equal('checksum');
      expect(refusal(() => Module.deserialize(bytes.subarray(0, 20), engine)).field).to.equal('length');
      expect(refusal(() => Module.deserialize(new Uint8Array(0), engine)).field).to.equal('length');
    });

    it('other code options, with the option named', () => {
      const cases: [Engine, RegExp][] = [
        [new Engine({ boundsChecks: 'explicit' }), /boundsChecks "guard", this engine has "explicit"/],
        [new Engine({ consumeFuel: true }), /consumeFuel false/],
        [new Engine({ features: { tailCalls: false } }), /features \["exceptions","extendedConst","memory64","multiMemory","tailCalls","typedFunctionReferences"\], this engine has \["exceptions","extendedConst","memory64","multiMemory","typedFunctionReferences"\]/],
        [new Engine({ epochInterruption: true }), /epochInterruption false/],
        [new Engine({ hostInterrupts: true }), /hostInterrupts false/],
        // SIMD forms: the other ISA than this CPU's default ('auto' resolves to it).
        cpuFeatures().avx
          ? [new Engine({ simd: 'sse4.1' }), /simd "avx", this engine has "sse4.1"/]
          : [new Engine({ simd: 'avx' }), /simd "sse4.1", this engine has "avx"/],
      ];
      for (const [other, message] of cases) {
        const e = refusal(() => Module.deserialize(bytes, other));
        expect(e.field).to.equal('settings');
        expect(e.message).to.match(message);
      }
      // Options that do not change code do not matter.
      expect(exportsOf(Module.deserialize(bytes, new Engine({ maxWasmStack: 1 << 20, initialFuel: 5 }))).callA!(0, 1)).to.equal(3);
    });

    it('another compiler version, format version or magic', () => {
      const { text } = headerJson(bytes);
      const version = /"compiler":"([^"]+)"/.exec(text)![1]!;
      const foreign = withHeaderEdit(bytes, version, version.replace(/.$/, (c) => (c === '0' ? '1' : '0')));
      const e = refusal(() => Module.deserialize(foreign, engine));
      expect(e.field).to.equal('compiler');
      expect(e.message).to.include(version);
      const format = bytes.slice();
      new DataView(format.buffer).setUint32(8, 99, true);
      expect(refusal(() => Module.deserialize(resealed(format), engine)).message).to.match(/format version 99, this wasmjit reads 4/);
      expect(refusal(() => Module.deserialize(new TextEncoder().encode('\0asm: not a serialized module, though long enough to be one. '.repeat(3)), engine)).field).to.equal('magic');
      // Even with the checksums resealed, the header's sizes have to add up to the length.
      const sites = /"sites":(\d)/.exec(text)![1]!;
      const sizes = withHeaderEdit(bytes, `"sites":${sites}`, `"sites":${(Number(sites) + 1) % 10}`);
      expect(refusal(() => Module.deserialize(sizes, engine)).message).to.match(/sizes do not add up/);
    });

    it('an entry without its wasm bytes (as the code cache writes them) needs them', () => {
      const parts = compiledParts(new Module(p.table, engine))!;
      const withoutWasm = serializeModule(parts, false);
      expect(withoutWasm.length).to.be.lessThan(bytes.length - p.table.length + 4);
      const e = refusal(() => Module.deserialize(withoutWasm, engine));
      expect(e.field).to.equal('wasm');
      expect(e.message).to.match(/leaves the wasm bytes out/);
    });

    it('wasm bytes, a non-engine, a non-module', () => {
      expect(refusal(() => Module.deserialize(p.table, engine)).field).to.equal('magic');
      expect(() => Module.deserialize(bytes, {} as Engine)).to.throw(TypeError);
      expect(() => Module.prototype.serialize.call({})).to.throw(TypeError);
    });
  });

  describe('epoch checks', () => {
    it("refuses to serialize code with its engine's epoch cell address compiled in", () => {
      const m = new Module(p.loop, new Engine({ epochInterruption: true }));
      expect(() => m.serialize()).to.throw(/epoch cell address compiled in/);
    });

    it('an engine with a cache compiles epoch checks that load anywhere and still interrupt', () => {
      const t = tempDir();
      try {
        const cached = new Engine({ epochInterruption: true, cache: t.dir });
        const bytes = new Module(p.loop, cached).serialize();
        const other = new Engine({ epochInterruption: true });
        const x = exportsOf(Module.deserialize(bytes, other));
        const e = outcome(() => other.callWithTimeout(x.spin! as () => unknown, 20));
        expect(e).to.have.property('trap').that.match(/interrupt/);
      } finally {
        t.remove();
      }
    });
  });
});

/** Four signatures, registered first by the child so that its ids differ from this process's. */
const otherSignatures = await wat(`(module
  (type (func (param i64) (result i64))) (type (func (param f32) (result f32)))
  (type (func (param f64 f64) (result f64))) (type (func (param i32) (result i32)))
  (table 4 funcref) (elem (i32.const 0) 0 1 2 3)
  (func (type 0) (local.get 0)) (func (type 1) (local.get 0)) (func (type 2) (local.get 0)) (func (type 3) (local.get 0)))`);
