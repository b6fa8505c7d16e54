/* What exile's libc-free C needs per architecture that is code: the syscall instruction, the
 * signal-return trampoline and where a SIGSYS handler finds a trapped call's arguments. Written
 * once here for every architecture, from the registers and instructions that the generated
 * exile/syscall_numbers.h holds for the one being compiled for (from the `native` data of
 * @exile/seccomp's arch list). Freestanding: this header and the one it includes need no other
 * header, so the threads engine also builds with -nostdinc. */
#ifndef EXILE_ARCH_H
#define EXILE_ARCH_H

#include <exile/syscall_numbers.h>

#ifndef EXILE_SYSCALL_INSN
#error "exile's libc-free code needs this architecture's native data in packages/seccomp/src/arches.ts"
#endif

#define EXILE_STR_(x) #x
#define EXILE_STR(x) EXILE_STR_(x)

/* exile_raw_syscall: a Linux syscall without libc, for code that runs inside signal handlers
 * (no errno, no locks, no cancellation points). Returns the kernel's value: >= 0 on success,
 * -errno on failure. */
static inline long exile_raw_syscall(long n, long a, long b, long c, long d, long e, long f) {
  register long nr __asm__(EXILE_SYSCALL_REG_NR) = n;
  register long a0 __asm__(EXILE_SYSCALL_REG_A0) = a;
  register long a1 __asm__(EXILE_SYSCALL_REG_A1) = b;
  register long a2 __asm__(EXILE_SYSCALL_REG_A2) = c;
  register long a3 __asm__(EXILE_SYSCALL_REG_A3) = d;
  register long a4 __asm__(EXILE_SYSCALL_REG_A4) = e;
  register long a5 __asm__(EXILE_SYSCALL_REG_A5) = f;
#if EXILE_SYSCALL_RESULT_IN_NR
  __asm__ volatile(EXILE_SYSCALL_INSN : "+r"(nr) : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5) : EXILE_SYSCALL_CLOBBERS);
  return nr;
#else
  __asm__ volatile(EXILE_SYSCALL_INSN : "+r"(a0) : "r"(nr), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5) : EXILE_SYSCALL_CLOBBERS);
  return a0;
#endif
}

/* EXILE_SIGRETURN_TRAMPOLINE(name): defines the function rt_sigaction's SA_RESTORER points at
 * (glibc's is private); expand it once. */
#define EXILE_SIGRETURN_TRAMPOLINE(name)                                                                  \
  __asm__(".text\n.p2align 4\n.globl " #name "\n.hidden " #name "\n.type " #name ",%function\n" #name \
          ":\n\t" EXILE_SIGRETURN_CODE(EXILE_STR(EXILE_NR_rt_sigreturn)) "\n.size " #name ", .-" #name "\n")

/* EXILE_SIGSYS_ARG(uc, i) / EXILE_SIGSYS_SET_RETURN(uc, value): the trapped call's argument i and
 * its return value in a SIGSYS handler's ucontext_t (needs <ucontext.h> where it is expanded). */
#define EXILE_SIGSYS_ARG(uc, i) ((uint64_t)(uc)->uc_mcontext.EXILE_SIGSYS_REGS[EXILE_SIGSYS_ARG_INDEX(i)])
#define EXILE_SIGSYS_SET_RETURN(uc, value) \
  ((uc)->uc_mcontext.EXILE_SIGSYS_REGS[EXILE_SIGSYS_RESULT_REG] = (EXILE_SIGSYS_REG_TYPE)(value))

#endif
