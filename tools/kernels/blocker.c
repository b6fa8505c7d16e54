/* The suite's one native need (compiled per guest arch, never shipped): blockSignal32() starts a
 * thread that blocks signal 32 with a raw syscall and sleeps, and returns its tid. The signal
 * broadcast cannot reach such a thread; Landlock TSYNC (ABI 8) restricts it all the same. */
#define _GNU_SOURCE
#include <node_api.h>

#include "../../packages/threads/test/native/signal32-blocker.h"

static napi_value block_signal_32(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  int tid = start_signal32_blocker();
  if (tid < 0) {
    napi_throw_error(env, NULL, "pthread_create failed");
    return NULL;
  }
  napi_create_int32(env, tid, &out);
  return out;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "blockSignal32", NAPI_AUTO_LENGTH, block_signal_32, NULL, &fn);
  napi_set_named_property(env, exports, "blockSignal32", fn);
  return exports;
}
