/* The engine's binary interface, version 1. Every copy of the addon in a process calls the engine of
 * the first loaded copy through exile_threads_broadcast_v1 (see locate.c), so there is one signal
 * handler, one slot table and one lock per process. Never change these structs: add a _v2. */
#ifndef EXILE_THREADS_ABI_H
#define EXILE_THREADS_ABI_H
#include <stdint.h>

#define EXILE_MAX_OPS 8
#define EXILE_MAX_THREADS 8192

enum exile_op_kind {
  EXILE_OP_NO_NEW_PRIVS = 1,   /* prctl(PR_SET_NO_NEW_PRIVS, 1) */
  EXILE_OP_LANDLOCK = 2,       /* landlock_restrict_self(a, b) */
  EXILE_OP_CAPSET = 3,         /* capset v3, this thread: effective b, permitted c, inheritable d */
  EXILE_OP_DROP_BOUNDING = 4,  /* prctl(PR_CAPBSET_DROP, n) for every bit n set in b */
  EXILE_OP_CLEAR_AMBIENT = 5,  /* prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL) */
  EXILE_OP_SECUREBITS = 6,     /* prctl(PR_SET_SECUREBITS, a) */
};

struct exile_op_v1 {
  uint32_t kind;
  uint32_t reserved;
  int64_t a;
  uint64_t b, c, d;
};

enum exile_thread_status {
  EXILE_T_SELF = 1,        /* the calling thread, ran the ops directly */
  EXILE_T_DONE = 2,        /* ran the handler (errnos say how each op went) */
  EXILE_T_EXITED = 3,      /* gone before it ran the handler: nothing left to restrict */
  EXILE_T_TIMEOUT = 4,     /* signalled, did not run the handler before the deadline */
  EXILE_T_IO_WORKER = 5,   /* PF_IO_WORKER: a kernel io_uring thread, never runs signal handlers */
  EXILE_T_SEND_FAILED = 6, /* rt_tgsigqueueinfo failed with send_errno */
  EXILE_T_ZOMBIE = 7,      /* state Z or X: no longer runs user code */
  EXILE_T_NOT_SENT = 8,    /* found, but the broadcast stopped before signalling it (no slot, deadline) */
};

struct exile_thread_v1 {
  int32_t tid;
  int32_t status;
  int32_t round;      /* scan round that found it (1 = before the caller's own ops) */
  int32_t state;      /* stat field 3 as a character, 0 if stat was unreadable */
  uint64_t starttime; /* stat field 22, 0 if unreadable */
  uint64_t ino;       /* inode of /proc/self/task/<tid>: changes when a new task reuses the tid */
  uint32_t flags;     /* stat field 9 */
  int32_t stat_errno; /* why stat was unreadable (e.g. EACCES once Landlock restricts the caller) */
  int32_t send_errno;
  int32_t ran;        /* how many ops ran; errnos[0..ran) are their results, the last one may be != 0 */
  int32_t errnos[EXILE_MAX_OPS];
};

struct exile_report_v1 {
  struct exile_thread_v1 *threads; /* capacity EXILE_MAX_THREADS, filled by the engine */
  uint32_t count;
  uint32_t rounds;             /* /proc/self/task scans; the last one found no new thread */
  int32_t caller_tid;
  int32_t error;               /* errno of a mechanism failure, 0 if none */
  const char *error_syscall;   /* which step failed (static string) */
  int32_t timed_out;
  int32_t handler_restored;    /* 1: previous signal action restored; 0: ours left installed */
  int64_t elapsed_ns;
};

/* Runs ops on the calling thread, then on every other thread. Returns 0 when every thread ran every
 * op with errno 0, 1 when the report shows a miss or an op error, -errno when the mechanism failed. */
typedef int (*exile_broadcast_v1_fn)(const struct exile_op_v1 *ops, uint32_t nops, int64_t timeout_ns,
                                     struct exile_report_v1 *report);

#endif
