// The execution benchmark's programs: C kernels built by programs/build.sh, and real-world
// modules shipped inside npm packages. `args` are the input sizes: quick runs use smaller
// ones so `pnpm bench --quick` stays under three minutes on a 2-core machine.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hashDriver, kernelDriver, type Driver } from './drivers.js';
import { hashWasmModule } from './hash-wasm.js';
import { PROGRAMS_DIR } from './paths.js';

export interface Program {
  name: string;
  origin: string;
  what: string;
  args: { quick: number; full: number };
  bytes(): Uint8Array;
  driver: Driver;
}

function kernel(name: string, what: string, quick: number, full: number): Program {
  return {
    name, origin: 'C', what, args: { quick, full }, driver: kernelDriver,
    bytes: () => new Uint8Array(readFileSync(path.join(PROGRAMS_DIR, `${name}.wasm`))),
  };
}

const MB = 1024 * 1024;

function hashWasm(name: string, module: string, params: Parameters<typeof hashDriver>[0], quick = 2 * MB, full = 8 * MB): Program {
  return {
    name, origin: 'hash-wasm', what: `hash-wasm's ${module} module, streaming (arg = input bytes)`,
    args: { quick, full }, driver: hashDriver(params), bytes: () => hashWasmModule(module),
  };
}

export const PROGRAMS: readonly Program[] = [
  kernel('matmul', '120×120 f64 matrix multiply (arg = repetitions)', 15, 60),
  kernel('nbody', 'n-body, five planets (arg = steps)', 250_000, 1_000_000),
  kernel('mandelbrot', 'Mandelbrot set, 64 iterations (arg = grid side)', 400, 800),
  kernel('sieve', 'sieve of Eratosthenes on bytes (arg = limit)', 2_000_000, 8_000_000),
  kernel('quicksort', 'recursive quicksort of u32s (arg = elements)', 250_000, 1_000_000),
  kernel('hashtable', 'open-addressing hash table, inserts + lookups (arg = keys)', 250_000, 1_000_000),
  kernel('sha256', 'SHA-256 of 64 KiB (arg = rounds)', 60, 300),
  kernel('crc32', 'table-driven CRC-32 of 256 KiB (arg = rounds)', 25, 100),
  kernel('interp', 'bytecode interpreter loop running Collatz (arg = n)', 6_000, 25_000),
  kernel('fannkuch', 'fannkuch-redux (arg = n)', 9, 10),
  kernel('lu', '100×100 LU decomposition, partial pivoting (arg = repetitions)', 60, 300),
  kernel('strsearch', 'Horspool string search in 512 KiB (arg = patterns)', 15, 60),
  kernel('nqueens', 'N-queens by recursive backtracking (arg = n)', 12, 13),
  kernel('bignum', 'n! in base-10^9 limbs, u64 mul/div (arg = n)', 5_000, 12_000),
  kernel('base64', 'base64 encode + decode 192 KiB (arg = rounds)', 60, 300),
  kernel('matmul-simd', 'matmul.c built with -msimd128 (f64x2 inner loop; arg = repetitions)', 15, 60),
  // SIMD: scalar kernels clang auto-vectorizes with -msimd128, and hand-vectorized ones.
  kernel('nbody-simd', 'nbody.c built with -msimd128 (auto-vectorized; arg = steps)', 250_000, 1_000_000),
  kernel('lu-simd', 'lu.c built with -msimd128 (auto-vectorized; arg = repetitions)', 60, 300),
  kernel('sha256-simd', 'sha256.c built with -msimd128 (auto-vectorized; arg = rounds)', 60, 300),
  kernel('strsearch-simd', 'strsearch.c built with -msimd128 (auto-vectorized; arg = patterns)', 15, 60),
  kernel('simd-mandelbrot', 'Mandelbrot, 4 pixels per f32x4, hand-vectorized (arg = grid side)', 400, 1200),
  kernel('simd-image', 'RGBA avg/saturate/weight/narrow in u8x16/i16x8, hand-vectorized (arg = rounds)', 600, 2400),
  kernel('simd-bytecount', 'byte counting with i8x16.eq + bitmask over 1 MiB, hand-vectorized (arg = rounds)', 40, 150),
  kernel('simd-dot', 'i16 dot (i32x4.dot_i16x8_s) and f32x4 saxpy, hand-vectorized (arg = rounds)', 2000, 8000),
  hashWasm('hw-md5', 'md5', { digestBytes: 16 }),
  hashWasm('hw-sha1', 'sha1', { digestBytes: 20 }),
  hashWasm('hw-sha256', 'sha256', { init: 256, digestBytes: 32 }),
  hashWasm('hw-sha512', 'sha512', { init: 512, digestBytes: 64 }),
  hashWasm('hw-sha3', 'sha3', { init: 256, final: 0x06, digestBytes: 32 }),
  hashWasm('hw-blake2b', 'blake2b', { init: 512, digestBytes: 64 }),
  hashWasm('hw-blake3', 'blake3', { init: 0, final: 32, digestBytes: 32 }),
  hashWasm('hw-xxhash64', 'xxhash64', { seedBytes: 8, digestBytes: 8 }, 8 * MB, 32 * MB),
  hashWasm('hw-whirlpool', 'whirlpool', { digestBytes: 64 }, MB, 4 * MB),
];

export function findProgram(name: string): Program {
  const p = PROGRAMS.find((q) => q.name === name);
  if (!p) throw new Error(`unknown program ${name}`);
  return p;
}
