/* Test-only native helper (compiled by test/helper.ts, never shipped): the things a test needs that
 * JavaScript cannot do — a Landlock ruleset, a thread that blocks signal 32 with a raw syscall, a
 * thread-churn loop, a foreign signal-32 handler. x86_64 only (like the test machine). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <node_api.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "signal32-blocker.h"

#ifndef LANDLOCK_ACCESS_FS_TRUNCATE /* Debian 12's headers predate ABI 3 */
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

#define CHECK(call) do { if ((call) != napi_ok) return NULL; } while (0)

static napi_value number(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

static napi_value throw_errno(napi_env env, const char *what) {
  char msg[4200];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(errno));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

/* landlockRuleset(allowedDir, handleReads, readable?): handles all ABI-3 write rights (and, with
 * handleReads, READ_FILE and READ_DIR); allows them beneath allowedDir, writes to /dev/null, and
 * reads beneath each path of the optional array `readable`. Returns the fd. */
static napi_value landlock_ruleset(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  bool reads = false;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc > 1) CHECK(napi_get_value_bool(env, argv[1], &reads));
  char dir[4096];
  size_t len;
  CHECK(napi_get_value_string_utf8(env, argv[0], dir, sizeof dir, &len));
  uint64_t write = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                   LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
                   LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                   LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE;
  uint64_t handled = write | (reads ? LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR : 0);
  struct landlock_ruleset_attr attr = {.handled_access_fs = handled};
  int fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (fd < 0) return throw_errno(env, "landlock_create_ruleset");
  const char *paths[] = {dir, "/dev/null"};
  for (int i = 0; i < 2; i++) {
    struct landlock_path_beneath_attr rule = {.allowed_access = handled, .parent_fd = open(paths[i], O_PATH | O_CLOEXEC)};
    if (rule.parent_fd < 0) return throw_errno(env, paths[i]);
    if (i == 1) rule.allowed_access = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE;
    if (syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0) return throw_errno(env, "landlock_add_rule");
    close(rule.parent_fd);
  }
  uint32_t extra = 0;
  if (argc > 2) CHECK(napi_get_array_length(env, argv[2], &extra));
  for (uint32_t i = 0; i < extra; i++) {
    napi_value item;
    char path[4096];
    CHECK(napi_get_element(env, argv[2], i, &item));
    CHECK(napi_get_value_string_utf8(env, item, path, sizeof path, &len));
    struct landlock_path_beneath_attr rule = {.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR,
                                              .parent_fd = open(path, O_PATH | O_CLOEXEC)};
    if (rule.parent_fd < 0) return throw_errno(env, path);
    if (syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0) return throw_errno(env, "landlock_add_rule");
    close(rule.parent_fd);
  }
  return number(env, fd);
}

/* restrictSelf(fd): no_new_privs and landlock_restrict_self on the calling thread only. */
static napi_value restrict_self(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(napi_get_value_int32(env, argv[0], &fd));
  if (syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return throw_errno(env, "prctl");
  if (syscall(SYS_landlock_restrict_self, fd, 0) != 0) return throw_errno(env, "landlock_restrict_self");
  return NULL;
}

static napi_value block_signal_32(napi_env env, napi_callback_info info) {
  (void)info;
  int tid = start_signal32_blocker();
  return tid < 0 ? throw_errno(env, "pthread_create") : number(env, tid);
}

/* Thread churn: `loops` threads keep creating and joining short-lived threads, each of which
 * may itself create one grandchild, until stopChurn(). */
static atomic_int churning;
static atomic_long churned;
static pthread_t churners[16];
static int nchurners;
static void *leaf(void *arg) {
  (void)arg;
  atomic_fetch_add(&churned, 1);
  return NULL;
}
static void *child(void *arg) {
  pthread_t g;
  if (arg != NULL && pthread_create(&g, NULL, leaf, NULL) == 0) pthread_join(g, NULL);
  atomic_fetch_add(&churned, 1);
  return NULL;
}
static void *churner(void *arg) {
  (void)arg;
  long i = 0;
  while (atomic_load(&churning)) {
    pthread_t t;
    if (pthread_create(&t, NULL, child, (i++ & 1) ? (void *)1 : NULL) == 0) pthread_join(t, NULL);
  }
  return NULL;
}
static napi_value start_churn(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t loops = 2;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc > 0) CHECK(napi_get_value_int32(env, argv[0], &loops));
  if (loops > 16) loops = 16;
  atomic_store(&churning, 1);
  for (nchurners = 0; nchurners < loops; nchurners++) {
    if (pthread_create(&churners[nchurners], NULL, churner, NULL) != 0) return throw_errno(env, "pthread_create");
  }
  return NULL;
}
static napi_value stop_churn(napi_env env, napi_callback_info info) {
  (void)info;
  atomic_store(&churning, 0);
  for (int i = 0; i < nchurners; i++) pthread_join(churners[i], NULL);
  nchurners = 0;
  return number(env, (double)atomic_load(&churned));
}


/* A foreign signal-32 handler (installed with a raw rt_sigaction, as glibc refuses 32) that counts,
 * to prove the broadcast chains signals that are not its own. */
static atomic_int foreign_count;
static void counting_handler(int sig, siginfo_t *si, void *ctx) {
  (void)sig; (void)si; (void)ctx;
  atomic_fetch_add(&foreign_count, 1);
}
struct k_sigaction { void *handler; unsigned long flags; void (*restorer)(void); uint64_t mask; };
extern void helper_restorer(void);
__asm__(".text\n.globl helper_restorer\n.hidden helper_restorer\nhelper_restorer:\n\tmovq $15, %rax\n\tsyscall\n");
static napi_value install_counter(napi_env env, napi_callback_info info) {
  (void)info;
  struct k_sigaction act = {(void *)counting_handler, SA_SIGINFO | SA_RESTART | 0x04000000, helper_restorer, 0};
  if (syscall(SYS_rt_sigaction, 32, &act, NULL, 8) != 0) return throw_errno(env, "rt_sigaction");
  return NULL;
}
/* Sends a foreign signal 32 (tgkill: SI_TKILL, no cookie) to the calling thread; returns the count. */
static napi_value raise_foreign(napi_env env, napi_callback_info info) {
  (void)info;
  if (syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), 32) != 0) return throw_errno(env, "tgkill");
  return number(env, atomic_load(&foreign_count));
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"landlockRuleset", NULL, landlock_ruleset, NULL, NULL, NULL, napi_default, NULL},
      {"restrictSelf", NULL, restrict_self, NULL, NULL, NULL, napi_default, NULL},
      {"blockSignal32", NULL, block_signal_32, NULL, NULL, NULL, napi_default, NULL},
      {"startChurn", NULL, start_churn, NULL, NULL, NULL, napi_default, NULL},
      {"stopChurn", NULL, stop_churn, NULL, NULL, NULL, napi_default, NULL},
      {"installCounter", NULL, install_counter, NULL, NULL, NULL, napi_default, NULL},
      {"raiseForeign", NULL, raise_foreign, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
