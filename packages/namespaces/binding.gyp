{
  "targets": [
    {
      "target_name": "exile-launch",
      "type": "executable",
      "sources": ["native/exile-launch.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-O2"]
    }
  ]
}
