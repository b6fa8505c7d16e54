/* SIGSYS handler for SECCOMP_RET_TRAP. Async-signal-safe: raw syscalls only, no libc call that
 * touches errno, locks or the heap; all state is static memory filled by vow() beforehand.
 *
 * The trap's data (si_errno) carries the penalty: 0 = kill, otherwise the errno to return.
 * kill: write the line, then re-issue the same syscall while SIGSYS is still blocked (we are in
 * its handler): the filter traps again, and the kernel, finding SIGSYS blocked, resets it to
 * SIG_DFL, unblocks it and delivers it, so the process dies by SIGSYS without kill/tgkill.
 * errno: write the line once per distinct syscall, set the return register to -errno, return.
 * A SIGSYS that the filter did not raise (kill(2), tgkill(2): si_code is not SYS_SECCOMP) reports
 * nothing and ends the process (see die_by_sigsys), so no one can make the reporter describe a
 * violation that did not happen.
 * Record fd (launch()): before dying, a record of the call (not the line: data the parent explains
 * itself) goes, after a token only the parent and this static memory know, to a channel the
 * parent reads, so it learns the syscall and its arguments without parsing the child's stderr. */
#define _GNU_SOURCE
#include "reporter.h"

#include <exile/arch.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a SIGSYS raised by SECCOMP_RET_TRAP (asm-generic/siginfo.h) */
#endif

static _Alignas(8) unsigned char g_slots[2][EXILE_VOWS_TABLE_CAPACITY];
static int g_active = -1; /* read with acquire in the handler */
static size_t g_staged;    /* bytes of a table staged in the inactive slot, 0 if none */
static uint64_t g_seen[4096 / 64];
static int g_record_fd = -1;
static uint32_t g_record_pid;
static unsigned char g_token[EXILE_VOWS_TOKEN_MAX];
static size_t g_token_len;


static void write_all(int fd, const char* text, size_t len) {
  while (len > 0) {
    long n = exile_raw_syscall(EXILE_NR_write, fd, (long)text, (long)len, 0, 0, 0);
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

static void put_u32(unsigned char* p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static void put_u64(unsigned char* p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i)); }

/* Writes the record of a call after the token: little-endian u32 EXILE_VOWS_RECORD_MAGIC, u32 pid
 * (this process as it sees itself, given with the record fd), i64 syscall number, u64 args[6]
 * (EXILE_VOWS_RECORD_SIZE bytes; @exile/core's launch/protocol.ts reads it). */
static void write_record(long nr, const uint64_t* args) {
  unsigned char record[EXILE_VOWS_RECORD_SIZE];
  put_u32(record, EXILE_VOWS_RECORD_MAGIC);
  put_u32(record + 4, g_record_pid);
  put_u64(record + 8, (uint64_t)nr);
  for (int i = 0; i < 6; i++) put_u64(record + 16 + 8 * i, args[i]);
  write_all(g_record_fd, (const char*)g_token, g_token_len);
  write_all(g_record_fd, (const char*)record, sizeof record);
}

/* Writes the line for this call to stderr and, when `record` and a record fd is set, its record to that fd. */
static void report(long nr, const uint64_t* args, bool record) {
  const char* found = message(nr, args);
  const char* line;
  size_t len;
  char out[96];
  if (found != NULL) {
    line = found + 4;
    len = u32((const unsigned char*)found);
  } else {
    static const char head[] = "exile: syscall ", tail[] = " blocked by vows; no vow allows it\n";
    size_t at = 0;
    for (size_t i = 0; i < sizeof head - 1; i++) out[at++] = head[i];
    char digits[24];
    int n = 0;
    unsigned long v = nr < 0 ? 0 : (unsigned long)nr;
    do { digits[n++] = (char)('0' + v % 10); v /= 10; } while (v != 0);
    while (n > 0) out[at++] = digits[--n];
    for (size_t i = 0; i < sizeof tail - 1; i++) out[at++] = tail[i];
    line = out;
    len = at;
  }
  write_all(2, line, len);
  if (record && g_record_fd >= 0) write_record(nr, args);
}

static bool first_time(long nr) {
  if (nr < 0 || nr >= 4096) return true;
  uint64_t bit = (uint64_t)1 << (nr % 64);
  return (__atomic_fetch_or(&g_seen[nr / 64], bit, __ATOMIC_RELAXED) & bit) == 0;
}

/* SIGSYS's default action, from inside its handler: reset, unblock, signal ourselves. Where the
 * filter forbids resetting the handler (vows do), exit with the status a shell shows for it. */
__attribute__((noreturn)) static void die_by_sigsys(void) {
  struct { void* handler; unsigned long flags; void* restorer; uint64_t mask; } dfl = {0, 0, 0, 0};
  if (exile_raw_syscall(EXILE_NR_rt_sigaction, SIGSYS, (long)&dfl, 0, 8, 0, 0) == 0) {
    uint64_t set = (uint64_t)1 << (SIGSYS - 1);
    exile_raw_syscall(EXILE_NR_rt_sigprocmask, SIG_UNBLOCK, (long)&set, 0, 8, 0, 0);
    exile_raw_syscall(EXILE_NR_tgkill, exile_raw_syscall(EXILE_NR_getpid, 0, 0, 0, 0, 0, 0), exile_raw_syscall(EXILE_NR_gettid, 0, 0, 0, 0, 0, 0), SIGSYS, 0, 0, 0);
  }
  for (;;) exile_raw_syscall(EXILE_NR_exit_group, 128 + SIGSYS, 0, 0, 0, 0, 0);
}

__attribute__((noreturn)) static void die(long nr, const uint64_t* a) {
  exile_raw_syscall(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4], (long)a[5]);
  /* Only reached if the filter no longer traps this call. */
  die_by_sigsys();
}

static void on_sigsys(int sig, siginfo_t* info, void* context) {
  (void)sig;
  if (info->si_code != SYS_SECCOMP) die_by_sigsys();
  ucontext_t* uc = (ucontext_t*)context;
  long nr = info->si_syscall;
  int err = info->si_errno;
  uint64_t args[6];
  for (int i = 0; i < 6; i++) args[i] = EXILE_SIGSYS_ARG(uc, i);
  if (err == 0) {
    report(nr, args, true);
    die(nr, args);
  }
  if (first_time(nr)) report(nr, args, false);
  EXILE_SIGSYS_SET_RETURN(uc, -(long)err);
}

static bool well_formed(const unsigned char* data, size_t size) {
  if (size < HEADER || size > EXILE_VOWS_TABLE_CAPACITY || u32(data) != MAGIC) return false;
  uint64_t nr_count = u32(data + 4), entry_count = u32(data + 8), check_count = u32(data + 12), str_bytes = u32(data + 16);
  return HEADER + nr_count * NR_SIZE + entry_count * ENTRY_SIZE + check_count * CHECK_SIZE + str_bytes == size;
}

static int inactive_slot(void) { return __atomic_load_n(&g_active, __ATOMIC_ACQUIRE) == 0 ? 1 : 0; }

bool exile_vows_stage_table(const unsigned char* data, size_t size) {
  if (!well_formed(data, size)) return false;
  memcpy(g_slots[inactive_slot()], data, size);
  g_staged = size;
  return true;
}

bool exile_vows_set_table(const unsigned char* data, size_t size) {
  if (!well_formed(data, size)) return false;
  int next = inactive_slot();
  if (g_staged != size || memcmp(g_slots[next], data, size) != 0) memcpy(g_slots[next], data, size);
  g_staged = 0;
  __atomic_store_n(&g_active, next, __ATOMIC_RELEASE);
  return true;
}

bool exile_vows_set_record(int fd, const unsigned char* token, size_t size, uint32_t pid) {
  if (fd < 0 || size > EXILE_VOWS_TOKEN_MAX) return false;
  memcpy(g_token, token, size);
  g_token_len = size;
  g_record_pid = pid;
  __atomic_store_n(&g_record_fd, fd, __ATOMIC_RELEASE);
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
