/* exile-launch: reads a plan (see plan.h) from the fd named on the command line, creates the
 * namespaces, builds the file-system view, runs the pre-exec steps and execs the target.
 * Every decision was made in TypeScript; this file only performs the steps, in this order:
 *   close fds → die-with-parent → setsid → unshare → setgroups/uid_map/gid_map
 *   → [pid ns: fork; the child is pid 1 of the namespace] → hostname → loopback → mounts
 *   → pivot_root → chdir → [pid ns: fork the target] → build the Landlock rulesets
 *   → caps → NNP → Landlock → seccomp → execve.
 * Any failure writes a record back on the plan fd (report.h) and exits 127. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mounts.h"
#include "plan.h"
#include "preexec.h"
#include "report.h"
#include "sys.h"

#define LAUNCHER_VERSION "0.1.0"

static int read_all(int fd, unsigned char **out, size_t *out_len) {
  size_t cap = 4096, len = 0;
  unsigned char *buf = malloc(cap);
  if (buf == NULL) return ENOMEM;
  for (;;) {
    if (len == cap) {
      if (cap > PLAN_MAX_BYTES) { free(buf); return EFBIG; }
      unsigned char *next = realloc(buf, cap * 2);
      if (next == NULL) { free(buf); return ENOMEM; }
      buf = next;
      cap *= 2;
    }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) { int e = errno; free(buf); return e; }
    if (n == 0) break;
    len += (size_t)n;
  }
  *out = buf;
  *out_len = len;
  return 0;
}

static void write_proc(const char *path, const char *text, size_t n, enum exile_step step) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) die(step, errno, path);
  ssize_t w = write(fd, text, n);
  if (w != (ssize_t)n) die(step, w < 0 ? errno : EIO, path);
  close(fd);
}

static void write_map(const char *path, const struct id_map *map, size_t n, enum exile_step step) {
  char text[340 * 33 + 1];
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(text + len, sizeof text - len, "%u %u %u\n", map[i].inside, map[i].outside, map[i].count);
  write_proc(path, text, len, step);
}

static void close_inherited(const struct plan *plan) {
  unsigned keep = plan->keep_fds, status = plan->plan_fd, after = plan->listener ? status + 2 : status + 1;
  if (status > keep && x_close_range(keep, status - 1) != 0) die(STEP_CLOSE_FDS, errno, NULL);
  if (x_close_range(after, ~0u) != 0) die(STEP_CLOSE_FDS, errno, NULL);
  if (plan->listener && fcntl(LISTENER_FD(plan), F_SETFD, FD_CLOEXEC) != 0) die(STEP_CLOSE_FDS, errno, "listener socket");
}

static void die_with_parent(pid_t expected_parent) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) die(STEP_PDEATHSIG, errno, NULL);
  /* The parent may have died before the prctl: then we were reparented already. */
  if (expected_parent != 0 && getppid() != expected_parent) raise(SIGKILL);
}

static void enter_namespaces(const struct plan *plan) {
  if (plan->options & OPT_DIE_WITH_PARENT) die_with_parent((pid_t)plan->parent_pid);
  if ((plan->options & OPT_NEW_SESSION) && setsid() < 0 && getsid(0) != getpid()) die(STEP_SETSID, errno, NULL);
  if (plan->clone_flags != 0 && unshare((int)plan->clone_flags) != 0) die(STEP_UNSHARE, errno, NULL);
  if (plan->options & OPT_SETGROUPS_DENY) write_proc("/proc/self/setgroups", "deny", 4, STEP_SETGROUPS);
  if (plan->nuid) write_map("/proc/self/uid_map", plan->uid_map, plan->nuid, STEP_UID_MAP);
  if (plan->ngid) write_map("/proc/self/gid_map", plan->gid_map, plan->ngid, STEP_GID_MAP);
}

static void loopback_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) die(STEP_LOOPBACK, errno, "socket");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0) die(STEP_LOOPBACK, errno, "SIOCGIFFLAGS");
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0) die(STEP_LOOPBACK, errno, "SIOCSIFFLAGS");
  close(s);
}

static void build_inside(struct plan *plan) {
  if (plan->hostname && sethostname(plan->hostname, strlen(plan->hostname)) != 0)
    die(STEP_HOSTNAME, errno, plan->hostname);
  if (plan->options & OPT_LOOPBACK) loopback_up();
  if ((plan->options & OPT_MOUNT_PRIVATE) || plan->nmounts || plan->staging) {
    mounts_prepare(plan);
    mounts_build(plan);
  }
  if (plan->cwd && chdir(plan->cwd) != 0) die(STEP_CHDIR, errno, plan->cwd);
}

/* Leaves the way `status` says a process ended: same exit code, or killed by the same signal. */
static _Noreturn void exit_like(int status) {
  if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
  struct rlimit no_core = { 0, 0 };
  setrlimit(RLIMIT_CORE, &no_core); /* the target already dumped core if it was going to */
  signal(sig, SIG_DFL);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, sig);
  raise(sig);
  sigprocmask(SIG_UNBLOCK, &one, NULL);
  _exit(128 + sig);
}

/* Waits for `child` while forwarding every signal to it. With `reap_all` (pid 1 of a pid
 * namespace) also reaps every orphan. Returns the child's wait status. */
static int supervise(pid_t child, const sigset_t *all, int reap_all) {
  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(all, &info);
    if (sig < 0) continue;
    if (sig != SIGCHLD) {
      kill(child, sig);
      continue;
    }
    int status;
    pid_t pid;
    while ((pid = waitpid(reap_all ? -1 : child, &status, WNOHANG)) > 0)
      if (pid == child) return status;
  }
}

static void block_all(sigset_t *all) {
  sigfillset(all);
  if (sigprocmask(SIG_BLOCK, all, NULL) != 0) die(STEP_SIGNALS, errno, NULL);
}

/* Pid namespace: the launcher stays outside as the process the caller knows; its child is pid 1
 * inside, reaps, forwards signals and hands the target's wait status back over a pipe, because
 * pid 1 of a namespace cannot die by a signal it sends itself. Returns only in the target. */
static void run_pid_namespace(struct plan *plan, const sigset_t *orig) {
  sigset_t all;
  block_all(&all);
  int back[2];
  if (pipe2(back, O_CLOEXEC) != 0) die(STEP_FORK, errno, "pipe2");
  pid_t init = fork();
  if (init < 0) die(STEP_FORK, errno, "fork");
  if (init > 0) {
    close(back[1]);
    close(report_fd());
    int status = supervise(init, &all, 0), target_status;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && read(back[0], &target_status, sizeof target_status) == sizeof target_status)
      status = target_status;
    exit_like(status);
  }
  close(back[0]);
  /* Inside the namespace getppid() is 0 whether or not the outer launcher still lives, so an
   * early death of the outer shows as a pipe without readers instead. */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) die(STEP_PDEATHSIG, errno, NULL);
  struct pollfd outer_alive = { back[1], 0, 0 };
  if (poll(&outer_alive, 1, 0) > 0 && (outer_alive.revents & POLLERR)) _exit(EXIT_SETUP_FAILED);
  build_inside(plan);
  pid_t target = fork();
  if (target < 0) die(STEP_FORK, errno, "fork");
  if (target == 0) {
    if (sigprocmask(SIG_SETMASK, orig, NULL) != 0) die(STEP_SIGNALS, errno, NULL);
    return;
  }
  close(report_fd());
  int status = supervise(target, &all, 1);
  ssize_t w = write(back[1], &status, sizeof status);
  _exit(w == sizeof status ? 0 : EXIT_SETUP_FAILED);
}

static int check_mode(void) {
  unsigned char *buf;
  size_t len, at;
  const char *why;
  struct plan plan;
  int err = read_all(0, &buf, &len);
  if (err) { fprintf(stderr, "read: %s\n", strerror(err)); return 1; }
  int rc = plan_decode(buf, len, &plan, &why, &at);
  free(buf);
  if (rc) { printf("invalid: %s at %zu\n", why, at); return 2; }
  printf("ok\n");
  plan_free(&plan);
  return 0;
}

static int parse_fd(const char *s) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  return errno || *end || end == s || v < 0 || v > 65535 ? -1 : (int)v;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--version") == 0) { puts("exile-launch " LAUNCHER_VERSION); return 0; }
  if (argc == 2 && strcmp(argv[1], "--check") == 0) return check_mode();
  int plan_fd = argc == 2 ? parse_fd(argv[1]) : -1;
  if (plan_fd < 0) {
    fputs("usage: exile-launch PLAN_FD | --check | --version\n", stderr);
    return 2;
  }
  report_init(plan_fd);
  if (fcntl(plan_fd, F_SETFD, FD_CLOEXEC) != 0) die(STEP_PLAN, errno, "plan fd");
  unsigned char *buf;
  size_t len, at;
  const char *why;
  /* A pre-filled regular file arrives positioned at its end; a pipe or socket cannot seek. */
  if (lseek(plan_fd, 0, SEEK_SET) < 0 && errno != ESPIPE) die(STEP_PLAN, errno, "lseek");
  int err = read_all(plan_fd, &buf, &len);
  if (err) die(STEP_PLAN, err, "read");
  struct plan plan;
  if (plan_decode(buf, len, &plan, &why, &at) != 0) {
    char detail[128];
    snprintf(detail, sizeof detail, "%s at byte %zu", why, at);
    die(STEP_PLAN, EINVAL, detail);
  }
  free(buf);
  if (plan.plan_fd != (uint32_t)plan_fd) die(STEP_PLAN, EINVAL, "plan fd differs from the plan");

  sigset_t orig;
  if (sigprocmask(SIG_SETMASK, NULL, &orig) != 0) die(STEP_SIGNALS, errno, NULL);
  close_inherited(&plan);
  enter_namespaces(&plan);
  if (plan.clone_flags & CLONE_NEWPID) run_pid_namespace(&plan, &orig);
  else build_inside(&plan);
  preexec_and_exec(&plan);
}
