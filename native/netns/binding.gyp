{
  "targets": [
    {
      "target_name": "overlab_netns",
      "sources": ["netns.c"],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wextra"]
    }
  ]
}
