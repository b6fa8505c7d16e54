{
  "targets": [
    {
      "target_name": "exile_threads",
      "sources": [
        "native/threads.cc",
        "native/locate.c",
        "native/engine/broadcast.c",
        "native/engine/ops.c",
        "native/engine/scan.c",
        "native/engine/signal.c"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!(node -p \"require('path').join(require('path').dirname(require.resolve('@exile/common/package.json')), 'include')\")"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags": ["-Wall", "-Wextra", "-fno-strict-aliasing"],
      "cflags_c": ["-std=gnu11"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"],
      "libraries": ["-ldl"],
      "ldflags": ["-Wl,-z,now"],
      "conditions": [
        ["target_arch=='arm64'", { "cflags": ["-mno-outline-atomics"] }]
      ]
    }
  ]
}
