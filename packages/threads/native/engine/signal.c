/* The signal-32 handler: runs the broadcast's ops on the thread it interrupts. Async-signal-safe by
 * construction: raw syscalls and atomics only (no libc, so errno is never written and needs no
 * saving), no locks, no allocation, no TLS. Signals that are not ours go to the previous handler. */
#include "state.h"

/* rt_sigaction with SA_RESTORER needs a trampoline that calls rt_sigreturn; glibc's is private. */
void exile_sigreturn(void) __attribute__((visibility("hidden")));
EXILE_SIGRETURN_TRAMPOLINE(exile_sigreturn);

static void on_broadcast(uint32_t gen) {
  struct engine *e = &exile_engine;
  /* Counted before the generation check: a new broadcast bumps the generation, then waits for
   * inflight == 0 before rewriting ops and slots (both seq_cst, so one of us sees the other). */
  atomic_fetch_add(&e->inflight, 1);
  if (atomic_load(&e->gen) == gen) {
    int32_t tid = (int32_t)sys0(EXILE_NR_gettid);
    uint32_t n = atomic_load_explicit(&e->nslots, memory_order_acquire);
    for (uint32_t i = 0; i < n; i++) {
      struct slot *s = &e->slots[i];
      if (atomic_load_explicit(&s->tid, memory_order_relaxed) != tid) continue;
      uint64_t expected = SLOT_WORD(gen, SLOT_SENT);
      if (!atomic_compare_exchange_strong(&s->word, &expected, SLOT_WORD(gen, SLOT_BUSY))) continue;
      s->ran = exile_run_ops(e->ops, e->nops, s->errnos);
      atomic_store_explicit(&s->word, SLOT_WORD(gen, SLOT_DONE), memory_order_release);
      /* Waking the caller for every ack would make it run (and take a CPU from the threads still to
       * run their handler) once per thread; the last ack is the only one it needs. */
      if (atomic_fetch_add(&e->acks, 1) + 1 >= atomic_load(&e->want)) sys3(EXILE_NR_futex, &e->acks, K_FUTEX_WAKE_PRIVATE, 1);
      break;
    }
  }
  atomic_fetch_sub(&e->inflight, 1);
}

static void chain(int sig, struct k_siginfo *info, void *ctx) {
  const struct k_sigaction *prev = &exile_engine.prev;
  void *h = prev->handler;
  if (h == (void *)K_SIG_IGN) return;
  if (h == (void *)K_SIG_DFL) {
    /* The default action of signal 32 is to terminate: do what would have happened without us. */
    struct k_sigaction dfl = {0};
    sys4(EXILE_NR_rt_sigaction, sig, &dfl, 0, 8);
    sys3(EXILE_NR_tgkill, sys0(EXILE_NR_getpid), sys0(EXILE_NR_gettid), sig);
    return;
  }
  if (prev->flags & K_SA_SIGINFO) ((void (*)(int, void *, void *))h)(sig, info, ctx);
  else ((void (*)(int))h)(sig);
}

static void exile_handler(int sig, struct k_siginfo *info, void *ctx) {
  uint32_t tag = atomic_load_explicit(&exile_engine.tag, memory_order_relaxed);
  if (info != 0 && tag != 0 && info->code == K_SI_QUEUE && (uint32_t)(info->value >> 32) == tag &&
      info->pid == (int32_t)sys0(EXILE_NR_getpid)) {
    on_broadcast((uint32_t)info->value);
    return;
  }
  chain(sig, info, ctx);
}

/* Installs the handler unless it already is (a failed broadcast leaves it in place). */
long exile_install_handler(void) {
  struct k_sigaction cur;
  long r = sys4(EXILE_NR_rt_sigaction, EXILE_SIGNAL, 0, &cur, 8);
  if (r < 0) return r;
  if (cur.handler == (void *)exile_handler) return 0;
  exile_engine.prev = cur;
  struct k_sigaction ours = {(void *)exile_handler, K_SA_SIGINFO | K_SA_RESTART | K_SA_ONSTACK | K_SA_RESTORER,
                             exile_sigreturn, 0};
  struct k_sigaction old;
  r = sys4(EXILE_NR_rt_sigaction, EXILE_SIGNAL, &ours, &old, 8);
  if (r < 0) return r;
  if (old.handler != cur.handler) exile_engine.prev = old; /* someone installed in between */
  return 0;
}

/* Puts the previous action back, but only over our own: glibc may have installed its SIGCANCEL
 * handler meanwhile, and a blind restore would replace it. Returns 1 if restored. */
int exile_restore_handler(void) {
  struct k_sigaction cur;
  if (sys4(EXILE_NR_rt_sigaction, EXILE_SIGNAL, 0, &cur, 8) < 0 || cur.handler != (void *)exile_handler) return 0;
  struct k_sigaction old;
  if (sys4(EXILE_NR_rt_sigaction, EXILE_SIGNAL, &exile_engine.prev, &old, 8) < 0) return 0;
  if (old.handler != (void *)exile_handler) {
    sys4(EXILE_NR_rt_sigaction, EXILE_SIGNAL, &old, 0, 8); /* lost a race with another installer: undo */
    return 0;
  }
  return 1;
}
