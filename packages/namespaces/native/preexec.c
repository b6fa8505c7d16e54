/* The last steps before execve. They act on the calling thread; the launcher has only one, and
 * every thread the target program creates later inherits them. */
#define _GNU_SOURCE
#include "preexec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include "report.h"
#include "sys.h"

/* Opens a rule path for its fd. A path resolved at planning must still be that file: opened without
 * following a final symlink, and refused (fail closed) when it is a symlink now (ELOOP) or another
 * file than the one planned (ESTALE): a symlink planted or a directory swapped in between must not
 * move the rule. Returns the fd; *dir says which rule applies. */
static int open_rule_path(const struct ll_rule *rule, int *dir) {
  int nofollow = rule->flags & LL_IDENTITY ? O_NOFOLLOW : 0;
  int fd = open(rule->path, O_PATH | O_CLOEXEC | nofollow);
  if (fd < 0) die(STEP_LANDLOCK, errno, rule->path);
  struct stat st;
  if (fstat(fd, &st) != 0) die(STEP_LANDLOCK, errno, rule->path);
  if (rule->flags & LL_IDENTITY) {
    if (S_ISLNK(st.st_mode)) die(STEP_LANDLOCK, ELOOP, rule->path);
    if ((uint64_t)st.st_dev != rule->dev || (uint64_t)st.st_ino != rule->ino) die(STEP_LANDLOCK, ESTALE, rule->path);
  }
  *dir = S_ISDIR(st.st_mode);
  return fd;
}

/* Adds a path rule: the struct for what the path is, with the fd put where @exile/landlock said. */
static void add_path_rule(int rs, const struct ll_rule *rule) {
  int dir, fd = open_rule_path(rule, &dir);
  const unsigned char *given = dir ? rule->rule : rule->file_rule;
  size_t len = dir ? rule->rule_len : rule->file_rule_len;
  if (len != 0) {
    unsigned char attr[LL_MAX_STRUCT];
    memcpy(attr, given, len);
    memcpy(attr + rule->fd_offset, &fd, sizeof fd);
    if (x_landlock_add_rule(rs, (int)rule->type, attr, rule->add_flags) != 0) die(STEP_LANDLOCK, errno, rule->path);
  }
  close(fd);
}

/* Builds the ruleset while the launcher still has every privilege it came with, so the caps step
 * cannot stop a rule path from opening (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH). The kernel makes
 * the ruleset fd close-on-exec; restrict_landlock closes it anyway. */
static int prepare_landlock(const struct landlock_step *l) {
  int rs = x_landlock_create_ruleset(l->attr, l->attr_len, 0);
  if (rs < 0) die(STEP_LANDLOCK, errno, "landlock_create_ruleset");
  for (size_t i = 0; i < l->nrules; i++) {
    const struct ll_rule *rule = &l->rules[i];
    if (rule->flags & LL_PATH) {
      add_path_rule(rs, rule);
    } else if (x_landlock_add_rule(rs, (int)rule->type, rule->rule, rule->add_flags) != 0) {
      char what[32];
      snprintf(what, sizeof what, "rule %zu", i);
      die(STEP_LANDLOCK, errno, what);
    }
  }
  return rs;
}

/* Runs engine ops (the threads engine's ops.c, the code drop() and the Landlock broadcast run on
 * every thread of a process); the first failure ends the launch, naming the op. */
static void run_ops(enum exile_step step, const struct exile_op_v1 *ops, uint32_t n) {
  int32_t errnos[EXILE_MAX_OPS] = { 0 };
  int32_t ran = exile_run_ops(ops, n, errnos);
  if (ran < 1 || errnos[ran - 1] == 0) return;
  die(step, errnos[ran - 1], exile_op_name(ops[ran - 1].kind));
}

static void run_caps(const struct pre_exec_step *s) {
  struct exile_op_v1 ops[EXILE_MAX_OPS];
  exile_ops_from_words(s->caps_words, s->ncaps_ops, ops);
  run_ops(STEP_CAPS, ops, s->ncaps_ops);
}

/* Needs no_new_privs or CAP_SYS_ADMIN (else EPERM): it runs after both the caps and NNP steps. */
static void restrict_landlock(const struct landlock_step *l) {
  struct exile_op_v1 op = { .kind = EXILE_OP_LANDLOCK, .a = l->ruleset_fd, .b = l->restrict_flags };
  run_ops(STEP_LANDLOCK, &op, 1);
  close(l->ruleset_fd);
}

/* The parent serves the listener; the program must never hold it (it could answer its own
 * notifications), so it is closed here, before execve. */
static void send_listener(int socket, int listener) {
  char byte = 0;
  struct iovec iov = { &byte, 1 };
  union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int))]; } control;
  memset(&control, 0, sizeof control);
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &listener, sizeof listener);
  ssize_t n;
  /* These exact flags are what a supervised filter allows on this fd: LISTENER_HANDOVER_FLAGS in
   * src/build-plan.ts, checked by test/listener.test.ts (the buffer is empty: no EAGAIN). */
  do n = sendmsg(socket, &msg, MSG_NOSIGNAL | MSG_DONTWAIT); while (n < 0 && errno == EINTR);
  if (n != 1) die(STEP_SECCOMP, n < 0 ? errno : EIO, "sending the seccomp listener");
  /* A filter that refuses close would leave the listener to the program: fail instead. */
  if (close(listener) != 0) die(STEP_SECCOMP, errno, "closing the seccomp listener");
  if (close(socket) != 0) die(STEP_SECCOMP, errno, "closing the listener socket");
}

/* Self-signal checks compare with the program's pid: this process's, since it execs in place (in
 * a pid namespace this is the pid as the program will see it). */
static void apply_seccomp(const struct plan *plan, const struct seccomp_step *s) {
  struct sock_fprog prog = { .len = (unsigned short)s->ninstr, .filter = (struct sock_filter *)s->filter };
  for (uint32_t i = 0; i < s->npid_slots; i++) prog.filter[s->pid_slots[i]].k = (uint32_t)getpid();
  long rc = x_seccomp(SECCOMP_SET_MODE_FILTER, s->flags, &prog);
  if (rc < 0) die(STEP_SECCOMP, errno, "seccomp");
  if (s->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) send_listener(LISTENER_FD(plan), (int)rc);
}

_Noreturn void preexec_and_exec(struct plan *plan) {
  for (size_t i = 0; i < plan->nsteps; i++)
    if (plan->steps[i].tag == TAG_LANDLOCK) plan->steps[i].landlock.ruleset_fd = prepare_landlock(&plan->steps[i].landlock);
  for (size_t i = 0; i < plan->nsteps; i++) {
    const struct pre_exec_step *s = &plan->steps[i];
    switch (s->tag) {
      case TAG_LANDLOCK: restrict_landlock(&s->landlock); break;
      case TAG_CAPS: run_caps(s); break;
      case TAG_NO_NEW_PRIVS: {
        struct exile_op_v1 op = { .kind = EXILE_OP_NO_NEW_PRIVS };
        run_ops(STEP_NO_NEW_PRIVS, &op, 1);
        break;
      }
      default: apply_seccomp(plan, &s->seccomp); break;
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
