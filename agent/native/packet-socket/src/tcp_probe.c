/*
 * @fleetlb/packet-socket tcp_probe: the TCP connect health check (keepalived TCP_CHECK,
 * keepalived/check/check_tcp.c) without a net.Socket. keepalived's check is a non-blocking
 * socket(2) + connect(2), a wait for writability, getsockopt(SO_ERROR), close(2); this is the
 * same on the agent's own libuv loop (napi_get_uv_event_loop), with one callback into JS.
 *
 * start(address, port, callback) -> probe | code   address: an IPv4 or IPv6 literal;
 *     callback(code) once the handshake completed (code undefined) or failed (code: the errno
 *     name, e.g. 'ECONNREFUSED'), the socket shut down first (a FIN, as keepalived's close).
 *     A connect(2) that fails at once (ENETUNREACH…) returns its errno name instead, and the
 *     callback never runs. A bad address or port throws TypeError; socket(2) failing throws
 *     with .code.
 * cancel(probe)   stops and closes a probe whose callback has not run (deadline, abort);
 *     the callback then never runs. Calling it after the callback is an error of the caller.
 *
 * Why (bench/README.md, "Health checks"): a net.Socket per check (its streams, its handle
 * wrap, its GC) cost as much CPU as the kernel's handshake did.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

#include "errno_name.h"

typedef struct {
  uv_poll_t poll; /* first: the uv handle's address is the probe's */
  napi_env env;
  napi_ref callback;
  int fd;
} probe_t;

/* One async context for every probe's callback (async hooks see "fleetlb.tcpProbe"). */
static napi_async_context async_context;

static void on_closed(uv_handle_t *handle) {
  probe_t *probe = (probe_t *)handle;
  close(probe->fd);
  free(probe);
}

/* Stops polling, drops the callback; the fd is closed once libuv has let go of the handle. */
static void release(probe_t *probe) {
  uv_poll_stop(&probe->poll);
  napi_delete_reference(probe->env, probe->callback);
  uv_close((uv_handle_t *)&probe->poll, on_closed);
}

static void on_writable(uv_poll_t *handle, int status, int events) {
  probe_t *probe = (probe_t *)handle;
  napi_env env = probe->env;
  int err = 0;
  socklen_t len = sizeof err;
  /* A refused or reset connect raises POLLERR, which libuv reports as status UV_EBADF: the
   * socket's own error (SO_ERROR) says what happened. */
  if (getsockopt(probe->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
  if (err == 0 && status < 0) err = -status;
  /* The handshake is done either way: close now, then report (keepalived: close, then epilog). */
  shutdown(probe->fd, SHUT_RDWR);
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value callback, global, code;
  napi_get_reference_value(env, probe->callback, &callback);
  napi_get_global(env, &global);
  if (err == 0) napi_get_undefined(env, &code);
  else napi_create_string_utf8(env, errno_name(err), NAPI_AUTO_LENGTH, &code);
  release(probe);
  napi_make_callback(env, async_context, global, callback, 1, &code, NULL);
  napi_close_handle_scope(env, scope);
}

static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  char address[INET6_ADDRSTRLEN + 1];
  size_t address_len;
  double port;
  napi_valuetype type;
  struct sockaddr_storage storage;
  socklen_t storage_len;
  memset(&storage, 0, sizeof storage);
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3 || napi_get_value_string_utf8(env, argv[0], address, sizeof address,
                                             &address_len) != napi_ok ||
      napi_get_value_double(env, argv[1], &port) != napi_ok || port < 1 || port > 65535 ||
      port != (double)(int)port || napi_typeof(env, argv[2], &type) != napi_ok ||
      type != napi_function) {
    napi_throw_type_error(env, NULL, "start(address, port, callback)");
    return NULL;
  }
  struct sockaddr_in *v4 = (struct sockaddr_in *)&storage;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&storage;
  if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    storage_len = sizeof *v4;
  } else if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    storage_len = sizeof *v6;
  } else {
    napi_throw_type_error(env, NULL, "address must be an IPv4 or IPv6 literal");
    return NULL;
  }
  int fd = socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) return throw_errno(env, "socket(SOCK_STREAM)", errno);
  napi_value handle;
  if (connect(fd, (struct sockaddr *)&storage, storage_len) < 0 && errno != EINPROGRESS) {
    /* Failed at once (ENETUNREACH, …): no poll; the caller gets the errno name now. */
    int err = errno;
    close(fd);
    napi_create_string_utf8(env, errno_name(err), NAPI_AUTO_LENGTH, &handle);
    return handle;
  }
  probe_t *probe = calloc(1, sizeof *probe);
  uv_loop_t *loop;
  if (probe == NULL) {
    close(fd);
    return throw_errno(env, "tcpProbe", ENOMEM);
  }
  probe->env = env;
  probe->fd = fd;
  napi_get_uv_event_loop(env, &loop);
  napi_create_reference(env, argv[2], 1, &probe->callback);
  uv_poll_init_socket(loop, &probe->poll, fd);
  uv_poll_start(&probe->poll, UV_WRITABLE, on_writable);
  napi_create_external(env, probe, NULL, NULL, &handle);
  return handle;
}

static napi_value js_cancel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_external(env, argv[0], &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "cancel(probe)");
    return NULL;
  }
  release((probe_t *)data);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value name;
  napi_create_string_utf8(env, "fleetlb.tcpProbe", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &async_context);
  napi_property_descriptor properties[] = {
    {"start", NULL, js_start, NULL, NULL, NULL, napi_enumerable, NULL},
    {"cancel", NULL, js_cancel, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
