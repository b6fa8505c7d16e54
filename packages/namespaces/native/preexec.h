#ifndef EXILE_PREEXEC_H
#define EXILE_PREEXEC_H
#include "plan.h"
/* Runs the pre-exec steps in plan order (Landlock, caps, no_new_privs, seccomp), then execve. */
_Noreturn void preexec_and_exec(const struct plan *plan);
#endif
