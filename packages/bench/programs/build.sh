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
  [ "$name" = lib ] && continue
  "$CC" --target=wasm32 -O2 -nostdlib -fno-builtin-memset -fno-builtin-memcpy \
    -Wl,--no-entry -Wl,--export=run -Wl,--strip-all -Wl,-z,stack-size=65536 \
    -o "wasm/$name.wasm" "$src" c/lib.c
  echo "built wasm/$name.wasm ($(wc -c < "wasm/$name.wasm") bytes)"
done
# A SIMD build of one kernel (clang auto-vectorizes the inner loop to f64x2): a program that
# needs a feature wasmjit may not have yet, so its row shows how that is reported.
"$CC" --target=wasm32 -O2 -msimd128 -nostdlib -fno-builtin-memset -fno-builtin-memcpy \
  -Wl,--no-entry -Wl,--export=run -Wl,--strip-all -Wl,-z,stack-size=65536 \
  -o wasm/matmul-simd.wasm c/matmul.c c/lib.c
echo "built wasm/matmul-simd.wasm ($(wc -c < wasm/matmul-simd.wasm) bytes)"
# The call benchmark's module: its exports are named in the source (export_name), and its
# one import (env.js) in the source too (import_module/import_name).
"$CC" --target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--strip-all -o wasm/calls.wasm calls/calls.c
echo "built wasm/calls.wasm ($(wc -c < wasm/calls.wasm) bytes)"
