{
  "targets": [
    {
      "target_name": "packet_socket",
      "sources": [
        "src/packet_socket.c"
      ],
      "cflags": [
        "-Wall",
        "-Wextra",
        "-Wno-unused-parameter"
      ]
    },
    {
      "target_name": "tcp_probe",
      "sources": [
        "src/tcp_probe.c"
      ],
      "cflags": [
        "-Wall",
        "-Wextra",
        "-Wno-unused-parameter"
      ]
    },
    {
      "target_name": "reexec",
      "sources": [
        "src/reexec.c"
      ],
      "cflags": [
        "-Wall",
        "-Wextra",
        "-Wno-unused-parameter"
      ]
    },
    {
      "target_name": "fleetlb-guard",
      "type": "executable",
      "sources": [
        "src/guard.c"
      ],
      "cflags": [
        "-Wall",
        "-Wextra",
        "-O2"
      ]
    },
    {
      "target_name": "fleetlb-rtnl-watch",
      "type": "executable",
      "sources": [
        "src/rtnl_watch.c"
      ],
      "cflags": [
        "-Wall",
        "-Wextra",
        "-O2"
      ]
    }
  ]
}
