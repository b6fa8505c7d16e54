{
  "variables": {
    "threads_engine": "<!(node -p \"require('path').relative('.', require('path').join(require('path').dirname(require.resolve('@exile/threads/package.json')), 'native', 'engine'))\")",
    "common_include": "<!(node -p \"require('path').join(require('path').dirname(require.resolve('@exile/common/package.json')), 'include')\")"
  },
  "targets": [
    {
      "target_name": "exile-launch",
      "type": "executable",
      "sources": ["native/launch.c", "native/plan.c", "native/mounts.c", "native/preexec.c", "native/report.c", "<(threads_engine)/ops.c"],
      "include_dirs": ["<(threads_engine)", "<(common_include)"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O2", "-fno-strict-aliasing"],
      "ldflags": ["-static"]
    }
  ]
}
