/*
 * @fleetlb/packet-socket: a minimal AF_PACKET socket for sending whole Ethernet frames
 * (gratuitous ARP, unsolicited neighbour advertisements) from Node. Plain C N-API.
 *
 * open(ifindex) -> fd   socket(AF_PACKET, SOCK_RAW, 0) bound to one interface. Protocol 0
 *                       registers no receive hook, so the kernel never queues frames to it.
 * send(fd, frame)       one synchronous, non-blocking send() of a complete frame.
 * close(fd)
 *
 * Failures throw a JS Error whose message carries strerror and whose `code` is the errno
 * name (e.g. 'ENETDOWN'); bad arguments throw TypeError / RangeError. Nothing aborts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <node_api.h>

#include "errno_name.h"

/* Reads `value` as an integer in [min, INT_MAX] into *out; else throws and returns 0. */
static int int_arg(napi_env env, napi_value value, const char *name, int min, int *out) {
  napi_valuetype type;
  double number;
  char message[96];
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_number) {
    snprintf(message, sizeof message, "%s must be a number", name);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  napi_get_value_double(env, value, &number);
  if (number != (double)(int)number || number < min || number > INT_MAX) {
    snprintf(message, sizeof message, "%s must be an integer >= %d", name, min);
    napi_throw_range_error(env, NULL, message);
    return 0;
  }
  *out = (int)number;
  return 1;
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_value result;
  int ifindex;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "open(interfaceIndex) needs an argument");
    return NULL;
  }
  if (!int_arg(env, argv[0], "interfaceIndex", 1, &ifindex)) return NULL;
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket(AF_PACKET)", errno);
  struct sockaddr_ll address;
  memset(&address, 0, sizeof address);
  address.sll_family = AF_PACKET;
  address.sll_protocol = 0; /* send only: no protocol, so no receive queue */
  address.sll_ifindex = ifindex;
  if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "bind(AF_PACKET)", err);
  }
  napi_create_int32(env, fd, &result);
  return result;
}

static napi_value js_send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int fd;
  bool is_typed = false;
  napi_typedarray_type type;
  size_t length;
  void *data;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "send(fd, frame) needs two arguments");
    return NULL;
  }
  if (!int_arg(env, argv[0], "fd", 0, &fd)) return NULL;
  napi_is_typedarray(env, argv[1], &is_typed);
  if (is_typed) napi_get_typedarray_info(env, argv[1], &type, &length, &data, NULL, NULL);
  if (!is_typed || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "frame must be a Uint8Array");
    return NULL;
  }
  ssize_t sent = send(fd, data, length, MSG_DONTWAIT);
  if (sent < 0) return throw_errno(env, "send(AF_PACKET)", errno);
  if ((size_t)sent != length) return throw_errno(env, "send(AF_PACKET): short write", EMSGSIZE);
  return NULL;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int fd;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "close(fd) needs an argument");
    return NULL;
  }
  if (!int_arg(env, argv[0], "fd", 0, &fd)) return NULL;
  if (close(fd) < 0) return throw_errno(env, "close", errno);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
    {"open", NULL, js_open, NULL, NULL, NULL, napi_enumerable, NULL},
    {"send", NULL, js_send, NULL, NULL, NULL, napi_enumerable, NULL},
    {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
