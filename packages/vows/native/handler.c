/* SIGSYS handler for SECCOMP_RET_TRAP. Async-signal-safe: raw syscalls only, no libc call that
 * touches errno, locks or the heap; all state is static memory filled by vow() beforehand.
 *
 * The trap's data (si_errno) carries the penalty: 0 = kill, otherwise the errno to return.
 * kill: write the line, then re-issue the same syscall while SIGSYS is still blocked (we are in
 * its handler): the filter traps again, and the kernel, finding SIGSYS blocked, resets it to
 * SIG_DFL, unblocks it and delivers it, so the process dies by SIGSYS without kill/tgkill.
 * errno: write the line once per distinct syscall, set the return register to -errno, return. */
#define _GNU_SOURCE
#include "reporter.h"

#include <exile/raw_syscall.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>

static _Alignas(8) unsigned char g_slots[2][EXILE_VOWS_TABLE_CAPACITY];
static int g_active = -1; /* read with acquire in the handler */
static uint64_t g_seen[4096 / 64];


static void write_all(const char* text, size_t len) {
  while (len > 0) {
    long n = exile_raw_syscall(SYS_write, 2, (long)text, (long)len, 0, 0, 0);
    if (n == -EINTR) continue;
    if (n <= 0) return;
    text += n;
    len -= (size_t)n;
  }
}

/* Unaligned little-endian loads, written out so no libc call is involved. */
static uint32_t u32(const unsigned char* p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t u64(const unsigned char* p) { return (uint64_t)u32(p) | (uint64_t)u32(p + 4) << 32; }

/* Layout (little-endian, built by report-table.ts): u32 magic, nrCount, entryCount, checkCount,
 * strBytes; nr[nrCount] = {defaultMsg, firstEntry, entryCount}; entry[] = {msg, firstCheck,
 * checkCount}; check[] = {u8 index, u8 op, u8 width, u8 0, u32 0, u64 mask, u64 value}; then the
 * strings, each a u32 length followed by its bytes (lengths up front: no strlen in the handler). */
#define MAGIC 0x31565845u /* "EXV1" */
#define HEADER 20u
#define NR_SIZE 12u
#define ENTRY_SIZE 12u
#define CHECK_SIZE 24u

static bool check_holds(const unsigned char* check, const uint64_t* args) {
  unsigned index = check[0], op = check[1], width = check[2];
  uint64_t arg = index < 6 ? args[index] : 0;
  uint64_t mask = u64(check + 8), value = u64(check + 16);
  if (width == 32) arg &= 0xffffffffu;
  switch (op) {
    case 0: return arg == value;
    case 1: return arg != value;
    case 2: return arg < value;
    case 3: return arg <= value;
    case 4: return arg > value;
    case 5: return arg >= value;
    case 6: return (arg & mask) == value;
    default: return false;
  }
}

/* The length-prefixed line for this syscall and these arguments, or NULL when the table has none. */
static const char* message(long nr, const uint64_t* args) {
  int slot = __atomic_load_n(&g_active, __ATOMIC_ACQUIRE);
  if (slot < 0 || nr < 0) return NULL;
  const unsigned char* t = g_slots[slot];
  uint32_t nr_count = u32(t + 4), entry_count = u32(t + 8), check_count = u32(t + 12);
  if ((uint64_t)nr >= nr_count) return NULL;
  const unsigned char* nrs = t + HEADER;
  const unsigned char* entries = nrs + (size_t)nr_count * NR_SIZE;
  const unsigned char* checks = entries + (size_t)entry_count * ENTRY_SIZE;
  const char* strings = (const char*)(checks + (size_t)check_count * CHECK_SIZE);
  const unsigned char* row = nrs + (size_t)nr * NR_SIZE;
  uint32_t first = u32(row + 4), count = u32(row + 8);
  for (uint32_t e = first; e < first + count; e++) {
    const unsigned char* entry = entries + (size_t)e * ENTRY_SIZE;
    uint32_t c0 = u32(entry + 4), cn = u32(entry + 8);
    bool holds = true;
    for (uint32_t c = c0; c < c0 + cn && holds; c++) holds = check_holds(checks + (size_t)c * CHECK_SIZE, args);
    if (holds) return strings + u32(entry);
  }
  return strings + u32(row);
}

static void report(long nr, const uint64_t* args) {
  const char* line = message(nr, args);
  if (line != NULL) {
    write_all(line + 4, u32((const unsigned char*)line));
    return;
  }
  static const char head[] = "exile: syscall ", tail[] = " blocked by vows; no vow allows it\n";
  char out[96];
  size_t at = 0;
  for (size_t i = 0; i < sizeof head - 1; i++) out[at++] = head[i];
  char digits[24];
  int n = 0;
  unsigned long v = nr < 0 ? 0 : (unsigned long)nr;
  do { digits[n++] = (char)('0' + v % 10); v /= 10; } while (v != 0);
  while (n > 0) out[at++] = digits[--n];
  for (size_t i = 0; i < sizeof tail - 1; i++) out[at++] = tail[i];
  write_all(out, at);
}

static bool first_time(long nr) {
  if (nr < 0 || nr >= 4096) return true;
  uint64_t bit = (uint64_t)1 << (nr % 64);
  return (__atomic_fetch_or(&g_seen[nr / 64], bit, __ATOMIC_RELAXED) & bit) == 0;
}

__attribute__((noreturn)) static void die(long nr, const uint64_t* a) {
  exile_raw_syscall(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4], (long)a[5]);
  /* Only reached if the filter no longer traps this call: reset, unblock, signal ourselves. */
  struct { void* handler; unsigned long flags; void* restorer; uint64_t mask; } dfl = {0, 0, 0, 0};
  exile_raw_syscall(SYS_rt_sigaction, SIGSYS, (long)&dfl, 0, 8, 0, 0);
  uint64_t set = (uint64_t)1 << (SIGSYS - 1);
  exile_raw_syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&set, 0, 8, 0, 0);
  exile_raw_syscall(SYS_tgkill, exile_raw_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0), exile_raw_syscall(SYS_gettid, 0, 0, 0, 0, 0, 0), SIGSYS, 0, 0, 0);
  for (;;) exile_raw_syscall(SYS_exit_group, 128 + SIGSYS, 0, 0, 0, 0, 0);
}

static void on_sigsys(int sig, siginfo_t* info, void* context) {
  (void)sig;
  ucontext_t* uc = (ucontext_t*)context;
  long nr = info->si_syscall;
  int err = info->si_errno;
  uint64_t args[6];
#if defined(__x86_64__)
  greg_t* r = uc->uc_mcontext.gregs;
  const int regs[6] = {REG_RDI, REG_RSI, REG_RDX, REG_R10, REG_R8, REG_R9};
  for (int i = 0; i < 6; i++) args[i] = (uint64_t)r[regs[i]];
#else
  for (int i = 0; i < 6; i++) args[i] = uc->uc_mcontext.regs[i];
#endif
  if (err == 0) {
    report(nr, args);
    die(nr, args);
  }
  if (first_time(nr)) report(nr, args);
#if defined(__x86_64__)
  r[REG_RAX] = -(greg_t)err;
#else
  uc->uc_mcontext.regs[0] = (uint64_t)(-(long)err);
#endif
}

bool exile_vows_set_table(const unsigned char* data, size_t size) {
  if (size < HEADER || size > EXILE_VOWS_TABLE_CAPACITY || u32(data) != MAGIC) return false;
  uint64_t nr_count = u32(data + 4), entry_count = u32(data + 8), check_count = u32(data + 12), str_bytes = u32(data + 16);
  if (HEADER + nr_count * NR_SIZE + entry_count * ENTRY_SIZE + check_count * CHECK_SIZE + str_bytes != size) return false;
  int next = __atomic_load_n(&g_active, __ATOMIC_ACQUIRE) == 0 ? 1 : 0;
  memcpy(g_slots[next], data, size);
  __atomic_store_n(&g_active, next, __ATOMIC_RELEASE);
  return true;
}

int exile_vows_install_handler(void) {
  if (exile_vows_handler_installed()) return 0;
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = on_sigsys;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  sigaddset(&action.sa_mask, SIGSYS);
  return sigaction(SIGSYS, &action, NULL) == 0 ? 0 : errno;
}

bool exile_vows_handler_installed(void) {
  struct sigaction current;
  if (sigaction(SIGSYS, NULL, &current) != 0) return false;
  return (current.sa_flags & SA_SIGINFO) != 0 && current.sa_sigaction == on_sigsys;
}
