{
  "targets": [
    {
      "target_name": "packet_socket",
      "sources": ["src/packet_socket.c"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
