/* The per-thread operations, run on the calling thread: by the broadcast engine on every thread,
 * and by @exile/namespaces' exile-launch before execve (it links ops.c), so each operation has one
 * executor. Freestanding, like the rest of the engine. */
#ifndef EXILE_THREADS_OPS_H
#define EXILE_THREADS_OPS_H
#include <stdint.h>
#include "abi.h"

/* How @exile/threads' encodeOps() lays out one op: five int64 words, kind, a, b, c, d. */
#define EXILE_OP_WORDS 5

#ifdef __cplusplus
extern "C" {
#endif

/* Runs ops in order until one fails. Returns how many ran (the last one failed if its errno is
 * not 0); errnos[i] is op i's errno, 0 on success. */
int32_t exile_run_ops(const struct exile_op_v1 *ops, uint32_t nops, int32_t *errnos);

/* The op's name, as @exile/threads' ThreadOp names it (for error messages). */
const char *exile_op_name(uint32_t kind);

/* Unpacks encodeOps() words (EXILE_OP_WORDS per op) into ops. */
void exile_ops_from_words(const int64_t *words, uint32_t nops, struct exile_op_v1 *ops);

#ifdef __cplusplus
}
#endif
#endif
