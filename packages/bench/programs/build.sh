#!/bin/sh
# Rebuilds programs/wasm/*.wasm from programs/c/*.c with Debian's clang (see ../README.md).
# The .wasm files are committed, so running the benchmark needs no compiler; run this after
# changing a kernel. Needs: apt-get install -y clang lld   (clang + wasm-ld, LLVM 14 here).
#
# Every kernel is freestanding: no libc, no imports, one export `run(n)` returning a
# checksum, plus lib.c for the memset/memcpy clang may emit. -O2 like a release build;
# --strip-all so the module carries no name section (smaller, and the same bytes whichever
# path it was built in).
set -eu
cd "$(dirname "$0")"
CC=${CC:-clang}
mkdir -p wasm
for src in c/*.c; do
  name=$(basename "$src" .c)
  case "$name" in lib|simd-*) continue ;; esac
  "$CC" --target=wasm32 -O2 -nostdlib -fno-builtin-memset -fno-builtin-memcpy \
    -Wl,--no-entry -Wl,--export=run -Wl,--strip-all -Wl,-z,stack-size=65536 \
    -o "wasm/$name.wasm" "$src" c/lib.c
  echo "built wasm/$name.wasm ($(wc -c < "wasm/$name.wasm") bytes)"
done
# SIMD programs (wasm SIMD, -msimd128). Auto-vectorized: scalar kernels whose loops clang
# vectorizes (matmul to f64x2, the others to i32x4/f32x4/i8x16 where it can). Hand-vectorized:
# c/simd-*.c, written with wasm_simd128.h intrinsics.
simd() {
  "$CC" --target=wasm32 -O2 -msimd128 -nostdlib -fno-builtin-memset -fno-builtin-memcpy \
    -Wl,--no-entry -Wl,--export=run -Wl,--strip-all -Wl,-z,stack-size=65536 \
    -o "wasm/$1.wasm" "$2" c/lib.c
  echo "built wasm/$1.wasm ($(wc -c < "wasm/$1.wasm") bytes)"
}
for k in matmul nbody lu sha256 strsearch; do simd "$k-simd" "c/$k.c"; done
for src in c/simd-*.c; do simd "$(basename "$src" .c)" "$src"; done
# The call benchmark's module: its exports are named in the source (export_name), and its
# one import (env.js) in the source too (import_module/import_name).
"$CC" --target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--strip-all -o wasm/calls.wasm calls/calls.c
echo "built wasm/calls.wasm ($(wc -c < wasm/calls.wasm) bytes)"
