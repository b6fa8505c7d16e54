/* A thread that blocks signal 32 with a raw rt_sigprocmask (glibc would refuse to) and then
 * sleeps: the signal broadcast cannot reach it. Shared by this package's test helper (helper.c)
 * and the kernel matrix's suite (tools/kernels/blocker.c). Test-only, never shipped. */
#ifndef EXILE_TEST_SIGNAL32_BLOCKER_H
#define EXILE_TEST_SIGNAL32_BLOCKER_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

static atomic_int blocker_tid;

static void *signal32_blocker(void *arg) {
  (void)arg;
  uint64_t set = 1ULL << 31;
  syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8);
  atomic_store(&blocker_tid, (int)syscall(SYS_gettid));
  for (;;) pause();
  return NULL;
}

/* Starts the thread and waits until it has blocked the signal: its tid, or -1 with errno set. */
static int start_signal32_blocker(void) {
  pthread_t t;
  int err = pthread_create(&t, NULL, signal32_blocker, NULL);
  if (err != 0) {
    errno = err;
    return -1;
  }
  pthread_detach(t);
  while (atomic_load(&blocker_tid) == 0) usleep(100);
  return atomic_load(&blocker_tid);
}

#endif
