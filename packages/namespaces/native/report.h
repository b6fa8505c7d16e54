/* The failure record on the status fd: u32 magic "EXER", u32 step, i32 errno, u32 length,
 * detail bytes (usually the path involved). EOF without a record means execve succeeded. */
#ifndef EXILE_REPORT_H
#define EXILE_REPORT_H

#include "steps.h"

#define REPORT_MAGIC 0x52455845u /* "EXER" */
#define EXIT_SETUP_FAILED 127

void report_init(int status_fd);
int report_fd(void);
/* Writes the record and exits with EXIT_SETUP_FAILED. */
_Noreturn void die(enum exile_step step, int err, const char *detail);

#endif
