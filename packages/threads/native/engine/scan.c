/* Reads /proc/self/task through a directory fd opened before the caller restricted itself: listing
 * an open directory needs no new open, so the scan keeps working after Landlock denies /proc reads. */
#include "state.h"

struct dirent64 {
  uint64_t ino;
  int64_t off;
  uint16_t reclen;
  uint8_t type;
  char name[];
};

static int32_t parse_tid(const char *s) {
  int32_t v = 0;
  if (*s == 0) return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return -1;
    v = v * 10 + (*s - '0');
  }
  return v;
}

static int known(const struct exile_report_v1 *report, int32_t tid, uint64_t ino) {
  for (uint32_t i = 0; i < report->count; i++) {
    if (report->threads[i].tid == tid && report->threads[i].ino == ino) return 1;
  }
  return 0;
}

static char *utoa(char *p, uint32_t v);

/* The inode of /proc/self/task/<tid> by path lookup, which revalidates the dentry: getdents64 may
 * still show the inode of a thread that just exited when a new thread has already taken its tid
 * (the tid is freed before /proc drops the old dentry). Not checked by Landlock. */
static uint64_t lookup_ino(int taskfd, int32_t tid, uint64_t fallback) {
  char name[12];
  *utoa(name, (uint32_t)tid) = 0;
  uint64_t st[32]; /* struct stat: st_ino is the second u64 on x86_64 and aarch64 */
  return sys4(EXILE_NR_newfstatat, taskfd, name, st, K_AT_SYMLINK_NOFOLLOW) == 0 ? st[1] : fallback;
}

/* Appends every (tid, inode) not in the report yet, status NOT_SENT. A new task that reuses a tid
 * gets a new /proc inode, so it is never mistaken for the thread that had the tid before; `lookup`
 * makes that exact (see lookup_ino) at one stat per thread, for the scans that decide completeness.
 * Returns how many were added, or -errno (-ENOSPC when the report is full). */
long exile_scan(int taskfd, struct exile_report_v1 *report, int32_t round, int lookup) {
  char buf[16384] __attribute__((aligned(8))); /* one getdents64 call lists ~680 threads */
  long added = 0;
  long r = sys3(EXILE_NR_lseek, taskfd, 0, 0);
  if (r < 0) return r;
  for (;;) {
    long n = sys3(EXILE_NR_getdents64, taskfd, buf, sizeof buf);
    if (n < 0) return n;
    if (n == 0) break;
    for (long off = 0; off < n;) {
      struct dirent64 *d = (struct dirent64 *)(buf + off);
      off += d->reclen;
      int32_t tid = parse_tid(d->name);
      if (tid <= 0) continue;
      uint64_t ino = lookup ? lookup_ino(taskfd, tid, d->ino) : d->ino;
      if (known(report, tid, ino)) continue;
      if (report->count >= EXILE_MAX_THREADS) return -K_ENOSPC;
      struct exile_thread_v1 *t = &report->threads[report->count++];
      *t = (struct exile_thread_v1){0};
      t->tid = tid;
      t->ino = ino;
      t->round = round;
      t->status = EXILE_T_NOT_SENT;
      exile_read_stat(taskfd, t);
      added++;
    }
  }
  return added;
}

static char *utoa(char *p, uint32_t v) {
  char tmp[12];
  int n = 0;
  do tmp[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
  while (n) *p++ = tmp[--n];
  return p;
}

/* Fills state, flags and starttime from <tid>/stat; stat_errno says why when it cannot. */
void exile_read_stat(int taskfd, struct exile_thread_v1 *t) {
  char path[32];
  char *p = utoa(path, (uint32_t)t->tid);
  for (const char *s = "/stat"; *s; s++) *p++ = *s;
  *p = 0;
  long fd = sys4(EXILE_NR_openat, taskfd, path, K_O_RDONLY | K_O_CLOEXEC, 0);
  if (fd < 0) {
    t->stat_errno = (int32_t)-fd;
    return;
  }
  char buf[1024];
  long n = sys3(EXILE_NR_read, fd, buf, sizeof buf - 1);
  sys1(EXILE_NR_close, fd);
  if (n <= 0) {
    t->stat_errno = n < 0 ? (int32_t)-n : K_ESRCH;
    return;
  }
  buf[n] = 0;
  /* comm may contain spaces and ')': fields start after the last ')'. */
  char *rest = 0;
  for (char *q = buf; *q; q++) if (*q == ')') rest = q;
  if (rest == 0 || rest[1] != ' ') return;
  rest += 2;
  t->state = rest[0];
  int field = 3;
  uint64_t value = 0;
  for (char *q = rest; *q && field <= 22; q++) {
    if (*q == ' ') {
      if (field == 9) t->flags = (uint32_t)value;
      if (field == 22) t->starttime = value;
      field++;
      value = 0;
    } else if (*q >= '0' && *q <= '9') {
      value = value * 10 + (uint64_t)(*q - '0');
    }
  }
}
