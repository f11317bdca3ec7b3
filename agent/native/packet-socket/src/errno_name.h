/* Shared by the addons: an errno's name ('ECONNREFUSED') and throwing it as a JS Error. */
#ifndef FLEETLB_ERRNO_NAME_H
#define FLEETLB_ERRNO_NAME_H
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <node_api.h>

static inline const char *errno_name(int err) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char *name = strerrorname_np(err);
  if (name != NULL) return name;
#endif
  switch (err) {
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case ENODEV: return "ENODEV";
    case ENXIO: return "ENXIO";
    case ENETDOWN: return "ENETDOWN";
    case EMSGSIZE: return "EMSGSIZE";
    case ENOBUFS: return "ENOBUFS";
    case EAGAIN: return "EAGAIN";
    case ENOTSOCK: return "ENOTSOCK";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNRESET: return "ECONNRESET";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ENETUNREACH: return "ENETUNREACH";
    case ETIMEDOUT: return "ETIMEDOUT";
    default: return "EUNKNOWN";
  }
}

/* Throws Error(`${what}: ${strerror} (${name})`) with .code = name; returns NULL for callers. */
static inline napi_value throw_errno(napi_env env, const char *what, int err) {
  char message[160];
  const char *name = errno_name(err);
  snprintf(message, sizeof message, "%s: %s (%s)", what, strerror(err), name);
  napi_throw_error(env, name, message);
  return NULL;
}

#endif
