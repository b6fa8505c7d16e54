/* Engine state shared by the signal handler and the broadcasting thread. One instance per copy of
 * the addon; only the instance of the first loaded copy is ever used (see locate.c). */
#ifndef EXILE_THREADS_STATE_H
#define EXILE_THREADS_STATE_H
#include <stdatomic.h>
#include <stdint.h>
#include "abi.h"
#include "ops.h"
#include "sys.h"

#define EXILE_SIGNAL 32 /* glibc's SIGCANCEL: the one catchable signal every Node thread leaves unblocked */

/* A slot's word packs (generation << 32 | state), so one compare-and-swap checks both that the
 * signal belongs to the running broadcast and that the slot is still unclaimed. */
enum slot_state { SLOT_SENT = 1, SLOT_BUSY = 2, SLOT_DONE = 3, SLOT_ABANDONED = 4 };
#define SLOT_WORD(gen, state) (((uint64_t)(gen) << 32) | (uint64_t)(state))

struct slot {
  _Atomic int32_t tid;
  _Atomic uint64_t word;
  int32_t ran;
  int32_t errnos[EXILE_MAX_OPS];
};

struct engine {
  _Atomic uint32_t lock;     /* futex mutex: 0 free, 1 locked, 2 locked with waiters */
  _Atomic uint32_t tag;      /* random, high half of every cookie: tells our signals from others */
  _Atomic uint32_t gen;      /* generation of the running (or last) broadcast, low half of the cookie */
  _Atomic uint32_t inflight; /* handlers between "generation checked" and "done" */
  _Atomic uint32_t acks;     /* futex word: bumped by each handler that finished its slot */
  _Atomic uint32_t want;     /* acks that end the caller's wait: only the handler reaching it wakes the caller */
  _Atomic uint32_t nslots;
  uint32_t nops;
  struct exile_op_v1 ops[EXILE_MAX_OPS];
  struct k_sigaction prev;   /* the action we replaced; foreign signals are chained to it */
  int keep_handler;          /* a broadcast failed: our signals may still be pending, never uninstall */
  struct slot slots[EXILE_MAX_THREADS];
};

extern struct engine exile_engine;

/* signal.c */
long exile_install_handler(void);
int exile_restore_handler(void);
/* scan.c */
long exile_scan(int taskfd, struct exile_report_v1 *report, int32_t round, int lookup);
void exile_read_stat(int taskfd, struct exile_thread_v1 *t);

#endif
