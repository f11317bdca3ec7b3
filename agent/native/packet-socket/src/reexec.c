/*
 * reexec(file, argv, env): replaces this process by `file` with `argv` and `env` (execve(2)),
 * keeping its pid, its open descriptors (stdin, stdout, stderr) and its place under its
 * supervisor. agent/bin/fleetlb-agent.js uses it to restart Node with the V8 flags the agent
 * ships with before anything else runs. Returns only on failure, throwing an Error whose `code`
 * is the errno name; the caller then carries on in the current process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <node_api.h>

/* A JS array of strings as a NULL-terminated vector (malloc'ed; freed only on failure). */
static char **strings(napi_env env, napi_value array) {
  bool is_array = false;
  uint32_t n = 0;
  napi_is_array(env, array, &is_array);
  if (!is_array) return NULL;
  napi_get_array_length(env, array, &n);
  char **out = calloc((size_t)n + 1, sizeof *out);
  if (!out) return NULL;
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    size_t len = 0;
    napi_get_element(env, array, i, &item);
    if (napi_get_value_string_utf8(env, item, NULL, 0, &len) != napi_ok) goto fail;
    out[i] = malloc(len + 1);
    if (!out[i]) goto fail;
    napi_get_value_string_utf8(env, item, out[i], len + 1, &len);
  }
  return out;
fail:
  for (uint32_t i = 0; i < n; i++) free(out[i]);
  free(out);
  return NULL;
}

static void free_strings(char **v) {
  for (char **p = v; p && *p; p++) free(*p);
  free(v);
}

static napi_value js_reexec(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  char file[4096];
  size_t len = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3 || napi_get_value_string_utf8(env, argv[0], file, sizeof file, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "reexec(file, argv, env) needs a path and two string arrays");
    return NULL;
  }
  char **args = strings(env, argv[1]);
  char **envp = strings(env, argv[2]);
  if (!args || !envp) {
    free_strings(args);
    free_strings(envp);
    napi_throw_type_error(env, NULL, "argv and env must be arrays of strings");
    return NULL;
  }
  /* Node marks its stdio close-on-exec at start; the new image must keep them. */
  for (int fd = 0; fd <= 2; fd++) {
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0) fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
  }
  execve(file, args, envp);
  int err = errno;
  free_strings(args);
  free_strings(envp);
  napi_value message, code, error;
  napi_create_string_utf8(env, strerror(err), NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, NULL, message, &error);
  napi_create_int32(env, err, &code);
  napi_set_named_property(env, error, "errno", code);
  napi_throw(env, error);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
    {"reexec", NULL, js_reexec, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, 1, properties);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
