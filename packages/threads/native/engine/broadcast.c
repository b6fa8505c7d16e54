/* The broadcast: calling thread first, then signal 32 to every other thread, wait for the acks,
 * rescan /proc/self/task until no new thread appears. Fails closed: any thread short of "ran
 * every op with errno 0" leaves the handler installed and returns 1 with the per-thread report. */
#include "state.h"

struct engine exile_engine;

#define PF_IO_WORKER 0x10
#define EXIT_CHECK_NS 1000000LL /* how often to check whether pending threads still exist */
#define PENDING (-1)             /* internal status: signalled, not acked yet */

static int32_t slot_of[EXILE_MAX_THREADS]; /* report index -> slot index; under the lock */

static void futex_wait(_Atomic uint32_t *word, uint32_t value, int64_t ns) {
  struct k_timespec ts = {ns / 1000000000LL, ns % 1000000000LL};
  sys4(EXILE_NR_futex, word, K_FUTEX_WAIT_PRIVATE, value, &ts);
}

/* A futex mutex shared by every thread (and, via locate.c, every copy of the addon). */
static long lock_until(int64_t deadline) {
  struct engine *e = &exile_engine;
  uint32_t c = 0;
  if (atomic_compare_exchange_strong(&e->lock, &c, 1)) return 0;
  if (c != 2) c = atomic_exchange(&e->lock, 2);
  while (c != 0) {
    int64_t left = deadline - now_ns();
    if (left <= 0) return -K_ETIMEDOUT;
    futex_wait(&e->lock, 2, left);
    c = atomic_exchange(&e->lock, 2);
  }
  return 0;
}

static void unlock(void) {
  if (atomic_fetch_sub(&exile_engine.lock, 1) != 1) {
    atomic_store(&exile_engine.lock, 0);
    sys3(EXILE_NR_futex, &exile_engine.lock, K_FUTEX_WAKE_PRIVATE, 1);
  }
}

static void ensure_tag(void) {
  uint32_t tag = 0;
  while (tag == 0) {
    if (sys3(EXILE_NR_getrandom, &tag, sizeof tag, 0) != sizeof tag) tag = (uint32_t)now_ns() | 1;
  }
  uint32_t none = 0;
  atomic_compare_exchange_strong(&exile_engine.tag, &none, tag);
}

/* Starts a new generation: stale handlers of the previous one must be out before ops and slots
 * are rewritten (see on_broadcast). */
static long begin_generation(const struct exile_op_v1 *ops, uint32_t nops, int64_t deadline, uint32_t *gen) {
  struct engine *e = &exile_engine;
  uint32_t g = atomic_load(&e->gen) + 1;
  if (g == 0) g = 1;
  atomic_store(&e->gen, g);
  while (atomic_load(&e->inflight) != 0) {
    if (now_ns() >= deadline) return -K_ETIMEDOUT;
    sys0(EXILE_NR_sched_yield);
  }
  for (uint32_t i = 0; i < nops; i++) e->ops[i] = ops[i];
  e->nops = nops;
  atomic_store(&e->nslots, 0);
  atomic_store(&e->acks, 0);
  atomic_store(&e->want, UINT32_MAX);
  *gen = g;
  return 0;
}

/* Signals every thread found but not signalled yet; adds to *sent how many signals went out. */
static void send_round(struct exile_report_v1 *report, uint32_t gen, int32_t pid, uint32_t *sent, long *error) {
  struct engine *e = &exile_engine;
  struct k_siginfo info = {0};
  info.signo = EXILE_SIGNAL;
  info.code = K_SI_QUEUE;
  info.pid = pid;
  info.uid = (uint32_t)sys0(EXILE_NR_getuid);
  info.value = ((uint64_t)atomic_load(&e->tag) << 32) | gen;
  for (uint32_t i = 0; i < report->count; i++) {
    struct exile_thread_v1 *t = &report->threads[i];
    if (t->status != EXILE_T_NOT_SENT) continue;
    if (t->state == 'Z' || t->state == 'X') { t->status = EXILE_T_ZOMBIE; continue; }
    if (t->flags & PF_IO_WORKER) { t->status = EXILE_T_IO_WORKER; continue; }
    uint32_t n = atomic_load(&e->nslots);
    if (n >= EXILE_MAX_THREADS) { *error = -K_ENOSPC; continue; }
    struct slot *s = &e->slots[n];
    atomic_store_explicit(&s->tid, t->tid, memory_order_relaxed);
    atomic_store_explicit(&s->word, SLOT_WORD(gen, SLOT_SENT), memory_order_relaxed);
    s->ran = 0;
    atomic_store_explicit(&e->nslots, n + 1, memory_order_release);
    slot_of[i] = (int32_t)n;
    long r = sys4(EXILE_NR_rt_tgsigqueueinfo, pid, t->tid, EXILE_SIGNAL, &info);
    if (r == 0) { t->status = PENDING; (*sent)++; continue; }
    uint64_t expected = SLOT_WORD(gen, SLOT_SENT);
    atomic_compare_exchange_strong(&s->word, &expected, SLOT_WORD(gen, SLOT_ABANDONED));
    if (r == -K_ESRCH) t->status = EXILE_T_EXITED;
    else { t->status = EXILE_T_SEND_FAILED; t->send_errno = (int32_t)-r; }
  }
}

/* Settles what it can; returns how many signalled threads are still pending. Reading the slots is
 * cheap and done on every wake-up; `check_exits` (a syscall per pending thread) at most once per
 * EXIT_CHECK_NS, so a broadcast costs O(threads) syscalls, not O(threads²). */
static uint32_t settle(struct exile_report_v1 *report, uint32_t gen, int32_t pid, int check_exits) {
  struct engine *e = &exile_engine;
  uint32_t pending = 0;
  for (uint32_t i = 0; i < report->count; i++) {
    struct exile_thread_v1 *t = &report->threads[i];
    if (t->status != PENDING) continue;
    struct slot *s = &e->slots[slot_of[i]];
    uint64_t word = atomic_load_explicit(&s->word, memory_order_acquire);
    if (word == SLOT_WORD(gen, SLOT_DONE)) {
      t->status = EXILE_T_DONE;
      t->ran = s->ran;
      for (int32_t k = 0; k < s->ran; k++) t->errnos[k] = s->errnos[k];
      continue;
    }
    /* A thread that exits with our signal pending never runs the handler: nothing to wait for.
     * Only ESRCH proves it (an inode change could also be a dentry the kernel recycled): if a new
     * thread has taken the tid meanwhile, we wait for the old one until the deadline — fail closed. */
    if (check_exits && word == SLOT_WORD(gen, SLOT_SENT) && sys3(EXILE_NR_tgkill, pid, t->tid, 0) == -K_ESRCH &&
        atomic_compare_exchange_strong(&s->word, &word, SLOT_WORD(gen, SLOT_ABANDONED))) {
      t->status = EXILE_T_EXITED;
      continue;
    }
    pending++;
  }
  return pending;
}

static int wait_acks(struct exile_report_v1 *report, uint32_t gen, int32_t pid, int64_t deadline) {
  int64_t next_exit_check = now_ns() + EXIT_CHECK_NS;
  for (;;) {
    uint32_t acks = atomic_load(&exile_engine.acks);
    int64_t now = now_ns();
    int check_exits = now >= next_exit_check || now >= deadline;
    if (check_exits) next_exit_check = now + EXIT_CHECK_NS;
    if (settle(report, gen, pid, check_exits) == 0) return 0;
    if (now >= deadline) return -K_ETIMEDOUT;
    futex_wait(&exile_engine.acks, acks, (deadline < next_exit_check ? deadline : next_exit_check) - now);
  }
}

static int all_ok(const struct exile_report_v1 *report, uint32_t nops) {
  if (report->error != 0 || report->timed_out) return 0;
  for (uint32_t i = 0; i < report->count; i++) {
    const struct exile_thread_v1 *t = &report->threads[i];
    if (t->status == EXILE_T_EXITED || t->status == EXILE_T_ZOMBIE) continue; /* never signalled, runs no code */
    if (t->status != EXILE_T_SELF && t->status != EXILE_T_DONE) return 0;
    if (t->ran != (int32_t)nops) return 0;
    for (uint32_t k = 0; k < nops; k++) if (t->errnos[k] != 0) return 0;
  }
  return 1;
}

static void fail(struct exile_report_v1 *report, long r, const char *step) {
  if (report->error == 0) {
    report->error = (int32_t)-r;
    report->error_syscall = step;
  }
}

/* /proc/self/task, opened by the first broadcast and never closed: a later broadcast must still
 * list the threads when an earlier one applied a Landlock layer that denies opening /proc (listing
 * an open directory is not checked). Under the lock. Reopened in a child forked without exec, whose
 * inherited fd still lists the parent's threads. */
static long task_dir = -1;
static int32_t task_dir_pid;

static long task_dir_fd(int32_t pid) {
  if (task_dir >= 0 && task_dir_pid == pid) return task_dir;
  long fd = sys4(EXILE_NR_openat, K_AT_FDCWD, "/proc/self/task", K_O_RDONLY | K_O_CLOEXEC, 0);
  if (fd < 0) return fd;
  if (task_dir >= 0) sys1(EXILE_NR_close, task_dir);
  task_dir = fd;
  task_dir_pid = pid;
  return fd;
}

static void run(const struct exile_op_v1 *ops, uint32_t nops, int64_t deadline, struct exile_report_v1 *report) {
  int32_t pid = (int32_t)sys0(EXILE_NR_getpid);
  int32_t self = (int32_t)sys0(EXILE_NR_gettid);
  report->caller_tid = self;
  long taskfd = task_dir_fd(pid);
  if (taskfd < 0) return fail(report, taskfd, "open /proc/self/task");

  /* Round 1 lists the threads before the caller restricts itself, while their stat is readable. */
  long r = exile_scan((int)taskfd, report, 1, 0);
  report->rounds = 1;
  if (r < 0) return fail(report, r, "getdents64");
  struct exile_thread_v1 *me = 0;
  for (uint32_t i = 0; i < report->count; i++) if (report->threads[i].tid == self) me = &report->threads[i];
  if (me == 0) return fail(report, -K_ESRCH, "find calling thread");
  /* io_uring workers never run signal handlers: refuse before anything is applied anywhere. */
  int io_workers = 0;
  for (uint32_t i = 0; i < report->count; i++) {
    if (report->threads[i].flags & PF_IO_WORKER) { report->threads[i].status = EXILE_T_IO_WORKER; io_workers++; }
  }
  if (io_workers) return;
  me->status = EXILE_T_SELF;
  me->ran = exile_run_ops(ops, nops, me->errnos);
  if (me->ran != (int32_t)nops || (nops > 0 && me->errnos[nops - 1] != 0)) return; /* touch no other thread */

  uint32_t gen;
  if ((r = begin_generation(ops, nops, deadline, &gen)) < 0) return fail(report, r, "wait for stale handlers");
  if ((r = exile_install_handler()) < 0) return fail(report, r, "rt_sigaction");
  uint32_t sent = 0;
  for (;;) {
    long full = 0;
    atomic_store(&exile_engine.want, UINT32_MAX); /* no wake-ups while signalling */
    send_round(report, gen, pid, &sent, &full);
    /* Seen by the last handler, or that handler's ack is seen by the wait's first check. */
    atomic_store(&exile_engine.want, sent);
    if (full < 0) { fail(report, full, "slot table full"); break; }
    if (wait_acks(report, gen, pid, deadline) < 0) { report->timed_out = 1; break; }
    r = exile_scan((int)taskfd, report, (int32_t)report->rounds + 1, 1);
    if (r < 0) { fail(report, r, "getdents64"); break; }
    report->rounds++;
    if (r == 0) break;
  }
  for (uint32_t i = 0; i < report->count; i++) {
    if (report->threads[i].status == PENDING) report->threads[i].status = EXILE_T_TIMEOUT;
  }
  if (all_ok(report, nops) && !exile_engine.keep_handler) {
    report->handler_restored = exile_restore_handler();
  } else if (!all_ok(report, nops)) {
    exile_engine.keep_handler = 1;
  }
}

__attribute__((visibility("default"))) int exile_threads_broadcast_v1(const struct exile_op_v1 *ops, uint32_t nops,
                                                                     int64_t timeout_ns,
                                                                     struct exile_report_v1 *report) {
  int64_t start = now_ns();
  int64_t deadline = start + timeout_ns;
  report->count = 0;
  report->rounds = 0;
  report->error = 0;
  report->error_syscall = 0;
  report->timed_out = 0;
  report->handler_restored = 0;
  if (nops > EXILE_MAX_OPS) {
    fail(report, -K_EINVAL, "too many ops");
    return -K_EINVAL;
  }
  long r = lock_until(deadline);
  if (r < 0) {
    fail(report, r, "wait for another broadcast");
    report->timed_out = 1;
    return (int)r;
  }
  ensure_tag();
  run(ops, nops, deadline, report);
  unlock();
  report->elapsed_ns = now_ns() - start;
  if (report->error != 0 && report->count == 0) return -report->error;
  return all_ok(report, nops) ? 0 : 1;
}
