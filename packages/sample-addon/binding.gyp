{
  "targets": [
    {
      "target_name": "sample_addon",
      "sources": ["src/sample.c"],
      # Only the header: the API itself is looked up at run time (nativeApi()), so nothing
      # links against wasmjit's own add-on.
      "include_dirs": ["<!(node -p \"require('path').dirname(require.resolve('@wasmjit/native/include/wasmjit_api.h'))\")"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "cflags_c": ["-std=gnu11"]
    }
  ]
}
