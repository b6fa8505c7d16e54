/* The failure record: u32 magic "EXER", u32 step, i32 errno, u32 length, detail bytes (usually
 * the path involved). It goes back on the plan fd: a regular file (the usual case) is rewritten
 * from offset 0, so the parent finds either the plan (exec succeeded) or this record; on a
 * socket it is simply written, and EOF without a record means execve succeeded. */
#ifndef EXILE_REPORT_H
#define EXILE_REPORT_H

#include "steps.h"

#define REPORT_MAGIC 0x52455845u /* "EXER" */
#define EXIT_SETUP_FAILED 127

void report_init(int fd);
int report_fd(void);
/* Writes the record and exits with EXIT_SETUP_FAILED. */
_Noreturn void die(enum exile_step step, int err, const char *detail);

#endif
