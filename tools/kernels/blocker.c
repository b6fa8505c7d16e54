/* The suite's one native need (compiled per guest arch, never shipped): blockSignal32() starts a
 * thread that blocks signal 32 with a raw syscall and sleeps, and returns its tid. The signal
 * broadcast cannot reach such a thread; Landlock TSYNC (ABI 8) restricts it all the same. */
#define _GNU_SOURCE
#include <node_api.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

static atomic_int blocker_tid;

static void *blocker(void *arg) {
  (void)arg;
  uint64_t set = 1ULL << 31;
  syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8);
  atomic_store(&blocker_tid, (int)syscall(SYS_gettid));
  for (;;) pause();
  return NULL;
}

static napi_value block_signal_32(napi_env env, napi_callback_info info) {
  (void)info;
  pthread_t t;
  napi_value out;
  if (pthread_create(&t, NULL, blocker, NULL) != 0) {
    napi_throw_error(env, NULL, "pthread_create failed");
    return NULL;
  }
  pthread_detach(t);
  while (atomic_load(&blocker_tid) == 0) usleep(100);
  napi_create_int32(env, atomic_load(&blocker_tid), &out);
  return out;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "blockSignal32", NAPI_AUTO_LENGTH, block_signal_32, NULL, &fn);
  napi_set_named_property(env, exports, "blockSignal32", fn);
  return exports;
}
