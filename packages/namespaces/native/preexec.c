/* The last steps before execve. They act on the calling thread; the launcher has only one, and
 * every thread the target program creates later inherits them. */
#define _GNU_SOURCE
#include "preexec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "report.h"
#include "sys.h"

struct __attribute__((packed)) ll_path_beneath { uint64_t allowed_access; int32_t parent_fd; };
struct ll_net_port { uint64_t allowed_access; uint64_t port; };

/* Builds the ruleset while the launcher still has every privilege it came with, so the caps step
 * cannot stop a rule path from opening (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH). The kernel makes
 * the ruleset fd close-on-exec; restrict_landlock closes it anyway. */
static int prepare_landlock(const struct landlock_step *l) {
  uint64_t attr[3] = { l->handled_fs, l->handled_net, l->scoped };
  int rs = x_landlock_create_ruleset(attr, l->attr_size, 0);
  if (rs < 0) die(STEP_LANDLOCK, errno, "landlock_create_ruleset");
  for (size_t i = 0; i < l->nrules; i++) {
    const struct ll_rule *rule = &l->rules[i];
    if (rule->type == LL_RULE_PATH) {
      int fd = open(rule->path, O_PATH | O_CLOEXEC);
      if (fd < 0) die(STEP_LANDLOCK, errno, rule->path);
      struct ll_path_beneath pb = { rule->access, fd };
      if (x_landlock_add_rule(rs, 1, &pb, 0) != 0) die(STEP_LANDLOCK, errno, rule->path);
      close(fd);
    } else {
      struct ll_net_port np = { rule->access, rule->port };
      if (x_landlock_add_rule(rs, 2, &np, 0) != 0) {
        char what[32];
        snprintf(what, sizeof what, "port %llu", (unsigned long long)rule->port);
        die(STEP_LANDLOCK, errno, what);
      }
    }
  }
  return rs;
}

/* Needs no_new_privs or CAP_SYS_ADMIN (else EPERM): it runs after both the caps and NNP steps. */
static void restrict_landlock(const struct landlock_step *l) {
  if (x_landlock_restrict_self(l->ruleset_fd, l->restrict_flags) != 0) die(STEP_LANDLOCK, errno, "landlock_restrict_self");
  close(l->ruleset_fd);
}

static void apply_caps(uint64_t keep) {
  for (int cap = 0; cap < 64; cap++) {
    if (keep & (1ull << cap)) continue;
    int in_bounding = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (in_bounding < 0 && errno == EINVAL) break; /* past the kernel's last capability */
    if (in_bounding < 0) die(STEP_CAPS, errno, "PR_CAPBSET_READ");
    if (in_bounding && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) die(STEP_CAPS, errno, "PR_CAPBSET_DROP");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, cap, 0, 0) != 0) die(STEP_CAPS, errno, "PR_CAP_AMBIENT_LOWER");
  }
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];
  if (syscall(SYS_capget, &header, data) != 0) die(STEP_CAPS, errno, "capget");
  for (int i = 0; i < 2; i++) {
    uint32_t mask = (uint32_t)(keep >> (32 * i));
    data[i].effective &= mask;
    data[i].permitted &= mask;
    data[i].inheritable &= mask;
  }
  if (syscall(SYS_capset, &header, data) != 0) die(STEP_CAPS, errno, "capset");
}

static void apply_seccomp(const struct seccomp_step *s) {
  struct sock_fprog prog = { .len = (unsigned short)s->ninstr, .filter = (struct sock_filter *)s->filter };
  if (x_seccomp(SECCOMP_SET_MODE_FILTER, s->flags, &prog) != 0) die(STEP_SECCOMP, errno, "seccomp");
}

_Noreturn void preexec_and_exec(struct plan *plan) {
  for (size_t i = 0; i < plan->nsteps; i++)
    if (plan->steps[i].tag == TAG_LANDLOCK) plan->steps[i].landlock.ruleset_fd = prepare_landlock(&plan->steps[i].landlock);
  for (size_t i = 0; i < plan->nsteps; i++) {
    const struct pre_exec_step *s = &plan->steps[i];
    switch (s->tag) {
      case TAG_LANDLOCK: restrict_landlock(&s->landlock); break;
      case TAG_CAPS: apply_caps(s->caps_keep); break;
      case TAG_NO_NEW_PRIVS:
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die(STEP_NO_NEW_PRIVS, errno, "PR_SET_NO_NEW_PRIVS");
        break;
      default: apply_seccomp(&s->seccomp); break;
    }
  }
  /* Candidates come from TypeScript (the PATH search); like execvp, EACCES wins over ENOENT. */
  int err = ENOENT;
  const char *which = plan->exec[0];
  for (size_t i = 0; i < plan->nexec; i++) {
    execve(plan->exec[i], plan->argv, plan->envp);
    int e = errno;
    if (e != ENOENT && e != ENOTDIR && e != EACCES) die(STEP_EXECVE, e, plan->exec[i]);
    if (e == EACCES && err != EACCES) { err = EACCES; which = plan->exec[i]; }
  }
  die(STEP_EXECVE, err, which);
}
