{
  "targets": [
    {
      "target_name": "wasmjit_native",
      "sources": [
        "src/addon.c",
        "src/entry.c",
        "src/trap.c",
        "src/invoke.c",
        "src/wasm_stack.c",
        "src/stack_bounds.c",
        "src/test_helpers.c",
        "src/signals.c",
        "src/signal_ranges.c",
        "src/signals_js.c",
        "src/epoch.c",
        "src/memory.c",
        "src/lazy_code.c",
        "src/collected.c",
        "src/code_share.c",
        "src/big_alloc.c",
        "src/snapshot.c",
        "src/wasm_digest.c",
        "src/sha256.c",
        "src/data_segments.c",
        "src/code_file.c",
        "src/file_stamps.c",
        "src/type_ids.c",
        "src/capi.c"
      ],
      "defines": ["NAPI_EXPERIMENTAL"],
      "include_dirs": ["include"],
      "cflags": ["-Wall", "-Wextra", "-fvisibility=hidden"],
      "cflags_c": ["-std=gnu11"],
      # Never unloaded: Node dlcloses an add-on when the last worker that loaded it exits,
      # but our fault handler and epoch timer thread run its code for the whole process.
      "ldflags": ["-Wl,-z,nodelete"],
      "configurations": {
        "Release": {
          "cflags!": ["-O3"],
          "cflags": ["-O2"]
        }
      }
    }
  ]
}
