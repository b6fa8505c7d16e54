{
  "targets": [
    {
      "target_name": "exile-launch",
      "type": "executable",
      "sources": ["native/launch.c", "native/plan.c", "native/mounts.c", "native/preexec.c", "native/report.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O2", "-fno-strict-aliasing"],
      "ldflags": ["-static"]
    }
  ]
}
