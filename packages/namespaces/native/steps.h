/* Step codes of the failure record the launcher writes on the status fd. The TypeScript side
 * (src/steps.ts) lists the same names in the same order; test/steps.test.ts checks they agree. */
#ifndef EXILE_STEPS_H
#define EXILE_STEPS_H

#define EXILE_STEPS(X) \
  X(PLAN, "plan") \
  X(CLOSE_FDS, "close-fds") \
  X(PDEATHSIG, "die-with-parent") \
  X(SETSID, "new-session") \
  X(UNSHARE, "unshare") \
  X(SETGROUPS, "setgroups") \
  X(UID_MAP, "uid-map") \
  X(GID_MAP, "gid-map") \
  X(SIGNALS, "signals") \
  X(FORK, "fork") \
  X(HOSTNAME, "hostname") \
  X(LOOPBACK, "loopback") \
  X(MOUNT_PRIVATE, "mount-private") \
  X(BIND_SOURCE, "bind-source") \
  X(MOUNT_TARGET, "mount-target") \
  X(BIND, "bind") \
  X(TMPFS, "tmpfs") \
  X(PROC, "proc") \
  X(DEVPTS, "devpts") \
  X(MKDIR, "mkdir") \
  X(SYMLINK, "symlink") \
  X(FILE, "file") \
  X(REMOUNT_RO, "remount-ro") \
  X(STAGING, "staging") \
  X(PIVOT_ROOT, "pivot-root") \
  X(CHDIR, "chdir") \
  X(LANDLOCK, "landlock") \
  X(CAPS, "caps") \
  X(NO_NEW_PRIVS, "no-new-privs") \
  X(SECCOMP, "seccomp") \
  X(EXECVE, "execve")

#define EXILE_STEP_ENUM(id, name) STEP_##id,
enum exile_step { EXILE_STEPS(EXILE_STEP_ENUM) STEP_COUNT };
#undef EXILE_STEP_ENUM

#endif
