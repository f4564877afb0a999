// How a program is run once it is instantiated: a driver turns the instance's exports and
// the input size into a `run()` that does one repetition and returns the output as a string
// (so outputs of different engines compare with ===). The same driver code runs against
// wasmjit's exports and V8's, so both do exactly the same calls.

export type Exports = Record<string, unknown>;
export type Driver = (exports: Exports, arg: number) => () => string;

function exportedFunction(exports: Exports, name: string): (...args: number[]) => unknown {
  const f = exports[name];
  if (typeof f !== 'function') throw new Error(`the module has no exported function ${name}`);
  return f as (...args: number[]) => unknown;
}

/** The C kernels: `run(n)` returns a checksum (i32 or f64). */
export const kernelDriver: Driver = (exports, arg) => {
  const run = exportedFunction(exports, 'run');
  return () => String(run(arg));
};

/** A deterministic input of `size` bytes (an LCG's top bytes), built once per size. */
const inputs = new Map<number, Uint8Array>();
export function inputBytes(size: number): Uint8Array {
  let b = inputs.get(size);
  if (!b) {
    b = new Uint8Array(size);
    let s = 0x2545f491;
    for (let i = 0; i < size; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      b[i] = s >>> 24;
    }
    inputs.set(size, b);
  }
  return b;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const x of bytes) s += x.toString(16).padStart(2, '0');
  return s;
}

export interface HashParams {
  /** Hash_Init's argument, when it takes one. */
  init?: number;
  /** Hash_Final's argument, when it takes one. */
  final?: number;
  digestBytes: number;
  /** xxhash reads an 8-byte seed from the buffer in Hash_Init. */
  seedBytes?: number;
}

/** hash-wasm's streaming protocol, as its WASMInterface.ts drives it. */
const CHUNK = 16 * 1024;

/**
 * hash-wasm modules: write `arg` bytes into the module's I/O buffer 16 KiB at a time and call
 * Hash_Update for each, then Hash_Final; the output is the hex digest. Memory is re-read
 * every repetition: wasmjit's Memory hands out a new buffer after a grow.
 */
export function hashDriver(p: HashParams): Driver {
  return (exports, arg) => {
    const init = exportedFunction(exports, 'Hash_Init');
    const update = exportedFunction(exports, 'Hash_Update');
    const final = exportedFunction(exports, 'Hash_Final');
    const getBuffer = exportedFunction(exports, 'Hash_GetBuffer');
    const memory = exports.memory as { buffer: ArrayBuffer } | undefined;
    if (!memory || !(memory.buffer instanceof ArrayBuffer)) throw new Error('the module exports no memory');
    const input = inputBytes(arg);
    return () => {
      const at = Number(getBuffer());
      const mem = new Uint8Array(memory.buffer);
      if (p.seedBytes) mem.fill(0, at, at + p.seedBytes);
      if (p.init === undefined) init();
      else init(p.init);
      for (let off = 0; off < input.length; off += CHUNK) {
        const chunk = input.subarray(off, off + CHUNK);
        mem.set(chunk, at);
        update(chunk.length);
      }
      if (p.final === undefined) final();
      else final(p.final);
      return toHex(new Uint8Array(memory.buffer, at, p.digestBytes));
    };
  };
}
