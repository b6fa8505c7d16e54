/* Raw Linux syscalls for the broadcast engine. Freestanding on purpose: the engine runs inside a
 * signal handler, so it must not touch libc (no errno, no locks, no malloc). Compiles with only the
 * compiler's own headers (stdint.h, stdatomic.h), which is what the aarch64 cross-compile test checks. */
#ifndef EXILE_THREADS_SYS_H
#define EXILE_THREADS_SYS_H
#include <stdint.h>
#include <exile/raw_syscall.h>

#if defined(__x86_64__)
enum {
  NR_read = 0, NR_close = 3, NR_lseek = 8, NR_rt_sigaction = 13, NR_rt_sigprocmask = 14, NR_rt_sigreturn = 15,
  NR_sched_yield = 24, NR_getpid = 39, NR_getuid = 102, NR_capset = 126, NR_prctl = 157,
  NR_gettid = 186, NR_futex = 202, NR_getdents64 = 217, NR_clock_gettime = 228, NR_tgkill = 234,
  NR_openat = 257, NR_newfstatat = 262, NR_rt_tgsigqueueinfo = 297, NR_getrandom = 318, NR_landlock_restrict_self = 446,
};
#elif defined(__aarch64__)
enum {
  NR_read = 63, NR_close = 57, NR_lseek = 62, NR_rt_sigaction = 134, NR_rt_sigprocmask = 135, NR_rt_sigreturn = 139,
  NR_sched_yield = 124, NR_getpid = 172, NR_getuid = 174, NR_capset = 91, NR_prctl = 167,
  NR_gettid = 178, NR_futex = 98, NR_getdents64 = 61, NR_clock_gettime = 113, NR_tgkill = 131,
  NR_openat = 56, NR_newfstatat = 79, NR_rt_tgsigqueueinfo = 240, NR_getrandom = 278, NR_landlock_restrict_self = 446,
};
#else
#error "@exile/threads supports x86_64 and aarch64 only"
#endif

/* Every wrapper returns the kernel's value: >= 0 on success, -errno on failure. */
#define sys0(n) exile_raw_syscall((n), 0, 0, 0, 0, 0, 0)
#define sys1(n, a) exile_raw_syscall((n), (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b) exile_raw_syscall((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c) exile_raw_syscall((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) exile_raw_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define sys5(n, a, b, c, d, e) exile_raw_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* Kernel ABI constants (identical on x86_64 and aarch64). */
enum {
  K_ESRCH = 3, K_EINTR = 4, K_EINVAL = 22, K_ENOSPC = 28, K_ETIMEDOUT = 110,
  K_AT_FDCWD = -100, K_O_RDONLY = 0, K_O_DIRECTORY = 0200000, K_O_CLOEXEC = 02000000,
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
  sys2(NR_clock_gettime, K_CLOCK_MONOTONIC, &ts);
  return ts.sec * 1000000000LL + ts.nsec;
}

#endif
