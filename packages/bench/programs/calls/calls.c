/* The call-path micro benchmark's module: a trivial export (JS→wasm), an export that calls
 * a JS import (wasm→JS round trip) and a loop of wasm→wasm calls. */

__attribute__((import_module("env"), import_name("js"))) int js(int x);

__attribute__((export_name("id"))) int id(int x) { return x; }

__attribute__((export_name("via_import"))) int via_import(int x) { return js(x); }

/* noinline: the loop below must make a real call per iteration. */
__attribute__((noinline)) static int inc(int x) { return x + 1; }

__attribute__((export_name("loop_calls"))) int loop_calls(int n) {
  int i = 0;
  while (i < n) i = inc(i);
  return i;
}
