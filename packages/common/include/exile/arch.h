/* What C needs per architecture that is code rather than numbers: the syscall instruction, the
 * signal-return trampoline and where a SIGSYS handler finds a trapped call's arguments. The
 * numbers come from the generated exile/syscall_numbers.h. Freestanding: this header and the one
 * it includes need no other header, so the threads engine also builds with -nostdinc. */
#ifndef EXILE_ARCH_H
#define EXILE_ARCH_H

#include <exile/syscall_numbers.h>

#define EXILE_STR_(x) #x
#define EXILE_STR(x) EXILE_STR_(x)

/* exile_raw_syscall: a Linux syscall without libc, for code that runs inside signal handlers
 * (no errno, no locks, no cancellation points). Returns the kernel's value: >= 0 on success,
 * -errno on failure.
 * EXILE_SIGRETURN_TRAMPOLINE(name): defines the function rt_sigaction's SA_RESTORER points at
 * (glibc's is private); expand it once.
 * EXILE_SIGSYS_ARG(uc, i) / EXILE_SIGSYS_SET_RETURN(uc, value): the trapped call's argument i and
 * its return value in a SIGSYS handler's ucontext_t (needs <ucontext.h> where it is expanded). */
#if defined(__x86_64__)
static inline long exile_raw_syscall(long n, long a, long b, long c, long d, long e, long f) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}
#define EXILE_SIGRETURN_TRAMPOLINE(name)                                                                  \
  __asm__(".text\n.p2align 4\n.globl " #name "\n.hidden " #name "\n.type " #name ",@function\n" #name \
          ":\n\tmovq $" EXILE_STR(EXILE_NR_rt_sigreturn) ", %rax\n\tsyscall\n\thlt\n.size " #name ", .-" #name "\n")
#define EXILE_SIGSYS_ARG(uc, i) \
  ((uint64_t)(uc)->uc_mcontext.gregs[(const int[]){REG_RDI, REG_RSI, REG_RDX, REG_R10, REG_R8, REG_R9}[i]])
#define EXILE_SIGSYS_SET_RETURN(uc, value) ((uc)->uc_mcontext.gregs[REG_RAX] = (greg_t)(value))
#elif defined(__aarch64__)
static inline long exile_raw_syscall(long n, long a, long b, long c, long d, long e, long f) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory", "cc");
  return x0;
}
#define EXILE_SIGRETURN_TRAMPOLINE(name)                                                                  \
  __asm__(".text\n.p2align 4\n.globl " #name "\n.hidden " #name "\n.type " #name ",%function\n" #name \
          ":\n\tmov x8, #" EXILE_STR(EXILE_NR_rt_sigreturn) "\n\tsvc #0\n\tbrk #0\n.size " #name ", .-" #name "\n")
#define EXILE_SIGSYS_ARG(uc, i) ((uint64_t)(uc)->uc_mcontext.regs[i])
#define EXILE_SIGSYS_SET_RETURN(uc, value) ((uc)->uc_mcontext.regs[0] = (uint64_t)(value))
#else
#error "exile's native raw-syscall code supports x86_64 and aarch64 only (add the architecture here)"
#endif

#endif
