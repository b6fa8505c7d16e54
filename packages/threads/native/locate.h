#ifndef EXILE_THREADS_LOCATE_H
#define EXILE_THREADS_LOCATE_H
#include "engine/abi.h"
#ifdef __cplusplus
extern "C" {
#endif
int exile_threads_broadcast_v1(const struct exile_op_v1 *ops, uint32_t nops, int64_t timeout_ns,
                               struct exile_report_v1 *report);
/* The engine this process uses, and the file it lives in. */
exile_broadcast_v1_fn exile_locate_engine(const char **path);
#ifdef __cplusplus
}
#endif
#endif
