/* Raw Linux syscalls for the broadcast engine. Freestanding on purpose: the engine runs inside a
 * signal handler, so it must not touch libc (no errno, no locks, no malloc). Compiles with only the
 * compiler's own headers (stdint.h, stdatomic.h), which is what the aarch64 cross-compile test checks. */
#ifndef EXILE_THREADS_SYS_H
#define EXILE_THREADS_SYS_H
#include <stdint.h>
#include <exile/arch.h>

/* Every wrapper returns the kernel's value: >= 0 on success, -errno on failure. */
#define sys0(n) exile_raw_syscall((n), 0, 0, 0, 0, 0, 0)
#define sys1(n, a) exile_raw_syscall((n), (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b) exile_raw_syscall((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c) exile_raw_syscall((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) exile_raw_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define sys5(n, a, b, c, d, e) exile_raw_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* Kernel ABI constants identical on every architecture the engine builds for. O_DIRECTORY is not
 * (arm64's is 040000, x86's 0200000 is O_DIRECT there), so the engine opens /proc/self/task
 * without it: getdents64 fails on anything but a directory anyway. */
enum {
  K_ESRCH = 3, K_EINTR = 4, K_EINVAL = 22, K_ENOSPC = 28, K_ETIMEDOUT = 110,
  K_AT_FDCWD = -100, K_O_RDONLY = 0, K_O_CLOEXEC = 02000000,
  K_SIG_DFL = 0, K_SIG_IGN = 1, K_AT_SYMLINK_NOFOLLOW = 0x100,
  K_SA_SIGINFO = 4, K_SA_RESTORER = 0x04000000, K_SA_ONSTACK = 0x08000000, K_SA_RESTART = 0x10000000,
  K_SI_QUEUE = -1,
  K_FUTEX_WAIT_PRIVATE = 128, K_FUTEX_WAKE_PRIVATE = 129,
  K_CLOCK_MONOTONIC = 1,
  K_PR_CAPBSET_DROP = 24, K_PR_SET_SECUREBITS = 28, K_PR_SET_NO_NEW_PRIVS = 38, K_PR_CAP_AMBIENT = 47,
  K_PR_CAP_AMBIENT_CLEAR_ALL = 4,
  K_CAP_VERSION_3 = 0x20080522,
};

struct k_timespec { int64_t sec; int64_t nsec; };

/* struct sigaction as rt_sigaction(2) takes it on x86_64 and aarch64. */
struct k_sigaction {
  void *handler;
  unsigned long flags;
  void (*restorer)(void);
  uint64_t mask;
};

/* The parts of the kernel's 128-byte siginfo that SI_QUEUE uses (generic layout). */
struct k_siginfo {
  int32_t signo;
  int32_t err;
  int32_t code;
  int32_t pad0;
  int32_t pid;
  uint32_t uid;
  uint64_t value;
  uint8_t rest[128 - 32];
};

static inline int64_t now_ns(void) {
  struct k_timespec ts;
  sys2(EXILE_NR_clock_gettime, K_CLOCK_MONOTONIC, &ts);
  return ts.sec * 1000000000LL + ts.nsec;
}

#endif
