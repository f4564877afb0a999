// The WASI class in-process, on wasmjit and on V8: start/initialize rules, proc_exit, memory
// growth between calls, bad pointers, and output to a chosen host descriptor.
import { expect } from 'chai';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Engine, WASI } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';
import { tempDir } from '../cli/support.js';

type Exports = Record<string, unknown>;
const ENGINES = {
  wasmjit: (bytes: Uint8Array, imports: object): { exports: Exports } => {
    const e = new Engine();
    return e.instantiate(e.compile(bytes), imports as never);
  },
  v8: (bytes: Uint8Array, imports: object): { exports: Exports } =>
    new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports as WebAssembly.Imports) as never,
};

const IMPORTS = `
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))`;

// write_grown: grows memory by a page, puts "grown!\\n" and its iovec in the new page, writes
// it to fd 1. bad_iovec: an iovec pointing past the end of memory.
const PROGRAM = `(module ${IMPORTS}
  (memory (export "memory") 1)
  (func (export "_start") (call $proc_exit (i32.const 42)) unreachable)
  (func (export "write_grown") (result i32)
    (local $p i32)
    (local.set $p (i32.mul (memory.grow (i32.const 1)) (i32.const 65536)))
    (i64.store (local.get $p) (i64.const 0x0a216e776f7267))   ;; "grown!\\n"
    (i32.store (i32.add (local.get $p) (i32.const 16)) (local.get $p))
    (i32.store (i32.add (local.get $p) (i32.const 20)) (i32.const 7))
    (call $fd_write (i32.const 1) (i32.add (local.get $p) (i32.const 16)) (i32.const 1) (i32.add (local.get $p) (i32.const 24))))
  (func (export "bad_iovec") (result i32)
    (i32.store (i32.const 0) (i32.const 0xfffffff0))
    (i32.store (i32.const 4) (i32.const 100))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func (export "bad_fd") (result i32)
    (call $fd_write (i32.const 99) (i32.const 0) (i32.const 0) (i32.const 8)))
  (func (export "clock_bad_id") (result i32) (call $clock (i32.const 9) (i64.const 0) (i32.const 0)))
  (func (export "random16") (result i32)
    (call $random (i32.const 32) (i32.const 16))))`;

describe('WASI class', () => {
  let bytes: Uint8Array;
  before(async () => {
    bytes = await wat(PROGRAM);
  });

  for (const [engine, instantiate] of Object.entries(ENGINES)) {
    describe(`on ${engine}`, () => {
      it('start() returns the proc_exit code', () => {
        const wasi = new WASI({});
        expect(wasi.start(instantiate(bytes, wasi.getImportObject()))).to.equal(42);
      });

      it('sees memory that grew since the instance was bound, and writes to the chosen descriptor', () => {
        const file = path.join(tempDir(), 'out.txt');
        const fd = openSync(file, 'w');
        try {
          const wasi = new WASI({ stdout: fd });
          const inst = instantiate(bytes, wasi.getImportObject());
          wasi.initialize({ exports: { memory: inst.exports.memory } });
          expect((inst.exports.write_grown as () => number)()).to.equal(0);
          expect((inst.exports.write_grown as () => number)()).to.equal(0);
        } finally {
          closeSync(fd);
        }
        expect(readFileSync(file, 'utf8')).to.equal('grown!\ngrown!\n');
      });

      it('returns errnos for bad pointers, descriptors and clock ids instead of failing', () => {
        const wasi = new WASI({});
        const inst = instantiate(bytes, wasi.getImportObject());
        wasi.initialize({ exports: { memory: inst.exports.memory } });
        expect((inst.exports.bad_iovec as () => number)()).to.equal(21); // EFAULT
        expect((inst.exports.bad_fd as () => number)()).to.equal(8); // EBADF
        expect((inst.exports.clock_bad_id as () => number)()).to.equal(28); // EINVAL
        expect((inst.exports.random16 as () => number)()).to.equal(0);
        const mem = new Uint8Array((inst.exports.memory as { buffer: ArrayBuffer }).buffer, 32, 16);
        expect(mem.some((b) => b !== 0)).to.equal(true);
      });
    });
  }

  it('enforces the start/initialize protocol like node:wasi', () => {
    const wasi = new WASI({});
    const inst = ENGINES.wasmjit(bytes, wasi.getImportObject());
    expect(() => wasi.initialize(inst)).to.throw(TypeError, /reactor must not export _start/);
    expect(() => new WASI({}).start({ exports: {} })).to.throw(TypeError, /does not export a _start/);
    expect(() => new WASI({}).start({ exports: { _start: () => 0 } })).to.throw(TypeError, /export its memory/);
    wasi.start(inst);
    expect(() => wasi.start(inst)).to.throw(Error, /already called/);
    expect(() => new WASI({ version: 'unstable' as never })).to.throw(TypeError, /unsupported version/);
  });

  it('a syscall before start() is a host error, not a silent errno', () => {
    const wasi = new WASI({});
    const inst = ENGINES.v8(bytes, wasi.getImportObject());
    expect(() => (inst.exports.bad_fd as () => number)()).to.throw(Error, /start\(\) or initialize\(\) must be called/);
  });
});
