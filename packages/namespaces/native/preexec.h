#ifndef EXILE_PREEXEC_H
#define EXILE_PREEXEC_H
#include "plan.h"
/* Builds every Landlock ruleset (rule paths opened with full privileges), then runs the pre-exec
 * steps in plan order (caps, no_new_privs, Landlock, seccomp), then execve. */
_Noreturn void preexec_and_exec(struct plan *plan);
#endif
