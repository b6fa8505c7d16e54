/* The per-thread operations (ops.h). Runs on the calling thread and inside the signal handler, so raw
 * syscalls only; each op's errno is recorded and the first failure stops the rest on that thread. */
#include "state.h"

struct cap_header { uint32_t version; int32_t pid; };
struct cap_data { uint32_t effective, permitted, inheritable; };

static long run_op(const struct exile_op_v1 *op) {
  switch (op->kind) {
    case EXILE_OP_NO_NEW_PRIVS:
      return sys5(EXILE_NR_prctl, K_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    case EXILE_OP_LANDLOCK:
      return sys2(EXILE_NR_landlock_restrict_self, op->a, op->b);
    case EXILE_OP_CAPSET: {
      struct cap_header header = {K_CAP_VERSION_3, 0};
      struct cap_data data[2] = {
          {(uint32_t)op->b, (uint32_t)op->c, (uint32_t)op->d},
          {(uint32_t)(op->b >> 32), (uint32_t)(op->c >> 32), (uint32_t)(op->d >> 32)},
      };
      return sys2(EXILE_NR_capset, &header, data);
    }
    case EXILE_OP_DROP_BOUNDING:
      for (int cap = 0; cap < 64; cap++) {
        if (!((op->b >> cap) & 1)) continue;
        long r = sys5(EXILE_NR_prctl, K_PR_CAPBSET_DROP, cap, 0, 0, 0);
        if (r < 0) return r;
      }
      return 0;
    case EXILE_OP_CLEAR_AMBIENT:
      return sys5(EXILE_NR_prctl, K_PR_CAP_AMBIENT, K_PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    case EXILE_OP_SECUREBITS:
      return sys5(EXILE_NR_prctl, K_PR_SET_SECUREBITS, op->a, 0, 0, 0);
    default:
      return -K_EINVAL;
  }
}

int32_t exile_run_ops(const struct exile_op_v1 *ops, uint32_t nops, int32_t *errnos) {
  for (uint32_t i = 0; i < nops; i++) {
    long r = run_op(&ops[i]);
    errnos[i] = r < 0 ? (int32_t)-r : 0;
    if (r < 0) return (int32_t)i + 1;
  }
  return (int32_t)nops;
}

const char *exile_op_name(uint32_t kind) {
  switch (kind) {
    case EXILE_OP_NO_NEW_PRIVS: return "no-new-privs";
    case EXILE_OP_LANDLOCK: return "landlock-restrict";
    case EXILE_OP_CAPSET: return "capset";
    case EXILE_OP_DROP_BOUNDING: return "drop-bounding";
    case EXILE_OP_CLEAR_AMBIENT: return "clear-ambient";
    case EXILE_OP_SECUREBITS: return "securebits";
    default: return "unknown op";
  }
}

void exile_ops_from_words(const int64_t *words, uint32_t nops, struct exile_op_v1 *ops) {
  for (uint32_t i = 0; i < nops; i++) {
    const int64_t *w = words + (uint64_t)i * EXILE_OP_WORDS;
    ops[i] = (struct exile_op_v1){(uint32_t)w[0], 0, w[1], (uint64_t)w[2], (uint64_t)w[3], (uint64_t)w[4]};
  }
}
