// The one thing Node cannot do for the netns provider: open a file descriptor inside another
// network namespace. A netlink socket (or a /proc/sys file) keeps the namespace it was opened
// in, so the harness opens one per namespace here and then speaks rtnetlink over it from
// TypeScript with plain read(2)/write(2). That replaces one `ip -n NS -batch` process per
// namespace (~5 ms each to start on a small VM) with a few syscalls.
//
// setns(2) moves only the calling thread. Both exports enter the namespace, open, and return
// to the thread's own namespace before they return to JavaScript; if the return fails the
// process aborts, because every later socket of this thread would land in the wrong namespace.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <node_api.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define PATH_MAX_LEN 4096

typedef int (*open_fn)(const char *arg, int flags);

static int open_netlink(const char *unused, int flags) {
  (void)unused;
  (void)flags;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return -1;
  int on = 1;
  // Extended acks carry the kernel's own words for an error ("Error: Device does not exist");
  // capped acks leave the request out of them.
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
  return fd;
}

static int open_file(const char *path, int flags) { return open(path, flags | O_CLOEXEC); }

/** Runs `fn` inside the namespace at `ns_path`; returns its fd, or -1 with errno set. */
static int open_in_netns(const char *ns_path, open_fn fn, const char *arg, int flags) {
  int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0) return -1;
  int target = open(ns_path, O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    int e = errno;
    close(self);
    errno = e;
    return -1;
  }
  if (setns(target, CLONE_NEWNET) != 0) {
    int e = errno;
    close(target);
    close(self);
    errno = e;
    return -1;
  }
  int fd = fn(arg, flags);
  int e = errno;
  if (setns(self, CLONE_NEWNET) != 0) {
    fprintf(stderr, "overlab_netns: cannot return to the original network namespace: %s\n", strerror(errno));
    abort();
  }
  close(target);
  close(self);
  errno = e;
  return fd;
}

static napi_value throw_errno(napi_env env, const char *what, const char *path, int err) {
  char message[2 * PATH_MAX_LEN + 256];
  snprintf(message, sizeof message, "%s %s: %s", what, path, strerror(err));
  char code[32];
  snprintf(code, sizeof code, "ERRNO_%d", err);
  napi_throw_error(env, code, message);
  return NULL;
}

static int string_arg(napi_env env, napi_value value, char *out, size_t size) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, out, size, &length) != napi_ok || length >= size - 1) {
    napi_throw_type_error(env, NULL, "expected a path string");
    return -1;
  }
  return 0;
}

/** netlinkSocketIn(nsPath): a NETLINK_ROUTE socket fd that lives in that namespace. */
static napi_value netlink_socket_in(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char ns_path[PATH_MAX_LEN];
  if (argc < 1 || string_arg(env, argv[0], ns_path, sizeof ns_path) != 0) return NULL;
  int fd = open_in_netns(ns_path, open_netlink, NULL, 0);
  if (fd < 0) return throw_errno(env, "netlink socket in", ns_path, errno);
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

/** openIn(nsPath, file, flags): open(2) of a file as seen from that namespace (/proc/sys/net/...). */
static napi_value open_in(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char ns_path[PATH_MAX_LEN];
  char file[PATH_MAX_LEN];
  int32_t flags = 0;
  if (argc < 3 || string_arg(env, argv[0], ns_path, sizeof ns_path) != 0 || string_arg(env, argv[1], file, sizeof file) != 0) return NULL;
  if (napi_get_value_int32(env, argv[2], &flags) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected open flags");
    return NULL;
  }
  int fd = open_in_netns(ns_path, open_file, file, flags);
  if (fd < 0) return throw_errno(env, file, ns_path, errno);
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

/**
 * becomeSubreaper(): orphans of our descendants (a socat child whose listener died) are
 * re-parented to this process instead of init, which in a container may never wait for them.
 * Node waits only for the children it started, so whoever calls this reaps them (reapZombie).
 */
static napi_value become_subreaper(napi_env env, napi_callback_info info) {
  (void)info;
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return throw_errno(env, "prctl", "PR_SET_CHILD_SUBREAPER", errno);
  napi_value result;
  napi_get_undefined(env, &result);
  return result;
}

/** reapZombie(pid): waitpid(pid, WNOHANG); true when it was reaped. Never for a child Node started. */
static napi_value reap_zombie(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t pid = 0;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &pid) != napi_ok || pid <= 1) {
    napi_throw_type_error(env, NULL, "expected a pid above 1");
    return NULL;
  }
  int status = 0;
  pid_t r = waitpid(pid, &status, WNOHANG);
  napi_value result;
  napi_get_boolean(env, r == pid, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"netlinkSocketIn", NULL, netlink_socket_in, NULL, NULL, NULL, napi_default, NULL},
      {"openIn", NULL, open_in, NULL, NULL, NULL, napi_default, NULL},
      {"becomeSubreaper", NULL, become_subreaper, NULL, NULL, NULL, napi_default, NULL},
      {"reapZombie", NULL, reap_zombie, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
