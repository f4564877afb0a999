// wasmjit's WebAssembly namespace where the JS-API tests do not look: errors made deep in
// the runtime (traps, link checks) are the namespace's classes; the error constructors
// take (message, options); compileStreaming / instantiateStreaming; the JS embedding limits.
import { expect } from 'chai';
import { WebAssembly as WA, EMBEDDING_LIMITS } from '@wasmjit/runtime/webassembly';
import { Engine } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';

type Fn = (...args: unknown[]) => unknown;

async function instantiate(text: string, imports?: object): Promise<Record<string, Fn>> {
  const { instance } = (await WA.instantiate(await wat(text), imports)) as { instance: { exports: Record<string, Fn> } };
  return instance.exports;
}

/** n as unsigned LEB128 bytes. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return out;
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('WebAssembly namespace (beyond the JS-API tests)', () => {
  it('a trap is a WebAssembly.RuntimeError that keeps the trap code', async () => {
    const e = await instantiate(`(module
      (func (export "unreachable") unreachable)
      (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0))))`);
    const err = thrown(() => e.unreachable!()) as InstanceType<typeof WA.RuntimeError> & { trap: string };
    expect(err).to.be.instanceOf(WA.RuntimeError);
    expect(err.constructor).to.equal(WA.RuntimeError);
    expect(err.name).to.equal('RuntimeError');
    expect(Object.prototype.hasOwnProperty.call(err, 'name')).to.equal(false);
    expect(err.trap).to.equal('unreachable');
    expect((thrown(() => e.div!(0)) as { trap: string }).trap).to.equal('integer_divide_by_zero');
  });

  it('a trap in the start function rejects instantiate with a WebAssembly.RuntimeError', async () => {
    const bytes = await wat('(module (func $s unreachable) (start $s))');
    const err = await WA.instantiate(bytes).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(WA.RuntimeError);
  });

  it("the runtime's link checks (a wasm function import of the wrong type) throw WebAssembly.LinkError", async () => {
    const lib = await instantiate('(module (func (export "f") (param i32)))');
    const bytes = await wat('(module (import "m" "f" (func (param i64))))');
    const err = thrown(() => new WA.Instance(new WA.Module(bytes), { m: { f: lib.f } }));
    expect(err).to.be.instanceOf(WA.LinkError);
    expect((err as Error).constructor).to.equal(WA.LinkError);
  });

  it('the error constructors take (message, options) like Error', () => {
    const cause = new Error('why');
    for (const E of [WA.CompileError, WA.LinkError, WA.RuntimeError]) {
      const e = new E('message', { cause });
      expect(e.message).to.equal('message');
      expect(e.cause).to.equal(cause);
      expect(Object.getPrototypeOf(E)).to.equal(Error);
      expect(Object.getPrototypeOf(E.prototype)).to.equal(Error.prototype);
      expect(Object.getOwnPropertyNames(new E())).to.not.include('message');
      expect(E.length).to.equal(1);
      expect(String(new E('x'))).to.equal(`${E.name}: x`);
    }
  });

  it('an invalid module is a WebAssembly.CompileError (not the decoder\'s own class)', () => {
    const err = thrown(() => new WA.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])));
    expect((err as Error).constructor).to.equal(WA.CompileError);
  });

  describe('compileStreaming and instantiateStreaming', () => {
    let bytes: Uint8Array;
    before(async () => {
      bytes = await wat('(module (func (export "answer") (result i32) (i32.const 42)))');
    });
    const response = (body: Uint8Array, init: ResponseInit = { headers: { 'Content-Type': 'application/wasm' } }) => new Response(body as Uint8Array<ArrayBuffer>, init);

    it('compile and instantiate a Response or a promise of one', async () => {
      const module = await WA.compileStreaming(response(bytes));
      expect(module).to.be.instanceOf(WA.Module);
      const source = (await WA.instantiateStreaming(Promise.resolve(response(bytes)))) as { module: unknown; instance: { exports: Record<string, Fn> } };
      expect(source.module).to.be.instanceOf(WA.Module);
      expect(source.instance.exports.answer!()).to.equal(42);
      const withParams = response(bytes, { headers: { 'Content-Type': 'application/wasm; charset=binary' } });
      expect(await WA.compileStreaming(withParams)).to.be.instanceOf(WA.Module);
    });

    it('reject with TypeError: not a Response, the wrong MIME type, a failed status, a used body', async () => {
      const used = response(bytes);
      await used.arrayBuffer();
      const bad: [string, unknown][] = [
        ['bytes', bytes],
        ['no MIME type', response(bytes, {})],
        ['text/plain', response(bytes, { headers: { 'Content-Type': 'text/plain' } })],
        ['status 404', response(bytes, { status: 404, headers: { 'Content-Type': 'application/wasm' } })],
        ['used body', used],
      ];
      for (const [what, source] of bad) {
        const err = await WA.compileStreaming(source).then(() => null, (e: unknown) => e);
        expect(err, what).to.be.instanceOf(TypeError);
      }
    });

    it('reject with CompileError for invalid bytes', async () => {
      const err = await WA.instantiateStreaming(response(new Uint8Array([1, 2, 3]))).then(() => null, (e: unknown) => e);
      expect(err).to.be.instanceOf(WA.CompileError);
    });
  });

  it('refuses modules over the JS embedding limits before decoding them', () => {
    // A type section declaring one type more than allowed, without the types themselves:
    // only the early check can see it, as the decoder would fail on the missing bytes.
    const count = EMBEDDING_LIMITS.types + 1;
    const content = leb(count);
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, ...leb(content.length), ...content]);
    const err = thrown(() => new WA.Module(bytes)) as Error;
    expect(err.constructor).to.equal(WA.CompileError);
    expect(err.message).to.contain(`types: ${count} exceeds the limit of ${EMBEDDING_LIMITS.types}`);
    expect(WA.validate(bytes)).to.equal(false);
  });

  describe('function bodies over the JS embedding limits', () => {
    const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
    /** One function of type (params i32...) -> () with `locals` i32 locals and `nops` nops. */
    function moduleWith(params: number, locals: number, nops: number): Uint8Array {
      const type = section(1, [1, 0x60, ...leb(params), ...new Array<number>(params).fill(0x7f), 0]);
      const funcs = section(3, [1, 0]);
      const header = locals > 0 ? [1, ...leb(locals), 0x7f] : [0];
      const bodySize = header.length + nops + 1;
      const entry = [...leb(bodySize), ...header];
      const codeSize = 1 + entry.length + nops + 1;
      const bytes = new Uint8Array(8 + type.length + funcs.length + 1 + leb(codeSize).length + codeSize);
      bytes.set([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...funcs, 10, ...leb(codeSize), 1, ...entry]);
      const nopsAt = bytes.length - nops - 1;
      bytes.fill(0x01, nopsAt, nopsAt + nops);
      bytes[bytes.length - 1] = 0x0b;
      return bytes;
    }

    it('parameters and locals together: 50,000 compile, 50,001 are a CompileError naming the function', async () => {
      expect(WA.validate(moduleWith(2, 49_998, 0))).to.equal(true);
      const over = moduleWith(2, 49_999, 0);
      expect(WA.validate(over)).to.equal(false);
      const err = thrown(() => new WA.Module(over)) as Error;
      expect(err.constructor).to.equal(WA.CompileError);
      expect(err.message).to.contain(`function 0: parameters and locals: 50001 exceeds the limit of ${EMBEDDING_LIMITS.functionLocals}`);
      const rejected = await WA.compile(over).then(() => null, (e: unknown) => e);
      expect((rejected as Error).constructor).to.equal(WA.CompileError);
    });

    it(`a body of ${EMBEDDING_LIMITS.functionSize} bytes validates; one byte more is refused before decoding`, function () {
      this.timeout(60_000);
      const at = EMBEDDING_LIMITS.functionSize - 2; // the body: no locals ([0]), nops, end
      const fits = moduleWith(0, 0, at);
      expect(WA.validate(fits)).to.equal(true);
      const over = moduleWith(0, 0, at + 1);
      expect(WA.validate(over)).to.equal(false);
      const err = thrown(() => new WA.Module(over)) as Error;
      expect(err.constructor).to.equal(WA.CompileError);
      expect(err.message).to.contain(`size in bytes: ${EMBEDDING_LIMITS.functionSize + 1} exceeds the limit of ${EMBEDDING_LIMITS.functionSize}`);
    });
  });

  it('exported functions are not constructors and have no own prototype, arguments or caller', async () => {
    const e = await instantiate('(module (func (export "f") (param i32) (result i32) (local.get 0)))');
    const v8 = new WebAssembly.Instance(new WebAssembly.Module(await wat('(module (func (export "f") (param i32) (result i32) (local.get 0)))') as Uint8Array<ArrayBuffer>)).exports.f as Fn;
    const runtimeF = new Engine().instantiate(new Engine().compile(await wat('(module (func (export "f") (param i32) (result i32) (local.get 0)))'))).exports.f as Fn;
    for (const f of [e.f!, runtimeF]) {
      const err = thrown(() => new (f as unknown as new () => unknown)());
      expect(err).to.be.instanceOf(TypeError);
      expect((err as Error).message).to.match(/is not a constructor/);
      expect(thrown(() => new (v8 as unknown as new () => unknown)())).to.be.instanceOf(TypeError);
      // As the ECMAScript spec wants of built-in functions. (V8 20 gives its own exported
      // functions `arguments` and `caller` = null, like sloppy functions.)
      expect(Reflect.ownKeys(f)).to.deep.equal(['length', 'name']);
      expect(Object.getOwnPropertyDescriptor(f, 'name')).to.deep.equal(Object.getOwnPropertyDescriptor(v8, 'name'));
      expect(Object.getOwnPropertyDescriptor(f, 'length')).to.deep.equal(Object.getOwnPropertyDescriptor(v8, 'length'));
      expect(Object.getPrototypeOf(f)).to.equal(Function.prototype);
      expect(f(5)).to.equal(5);
    }
  });

  it('exported functions are named by their index and have their parameter count as length', async () => {
    const e = await instantiate('(module (func (export "a") (param i32 f64)) (func (export "b") (result i32) (i32.const 1)))');
    expect([e.a!.name, e.a!.length, e.b!.name, e.b!.length]).to.deep.equal(['0', 2, '1', 0]);
  });
});
