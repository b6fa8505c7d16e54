/* The file-system view. Bind sources are cloned with open_tree() before the staging tmpfs exists,
 * so no source can be shadowed by it. Targets are reached one component at a time without
 * following symlinks, so nothing built inside the new root can redirect a mount to the host.
 * Mount attributes are set with mount_setattr()/fsmount(): recursive and atomic, so a
 * read-only bind is read-only on every submount too. */
#define _GNU_SOURCE
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "sys.h"

static unsigned attrs_of(uint32_t flags) {
  return (flags & MF_READONLY ? X_MOUNT_ATTR_RDONLY : 0) | (flags & MF_NOSUID ? X_MOUNT_ATTR_NOSUID : 0) |
         (flags & MF_NODEV ? X_MOUNT_ATTR_NODEV : 0) | (flags & MF_NOEXEC ? X_MOUNT_ATTR_NOEXEC : 0);
}

void mounts_prepare(struct plan *plan) {
  if ((plan->options & OPT_MOUNT_PRIVATE) && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    die(STEP_MOUNT_PRIVATE, errno, "/");
  for (size_t i = 0; i < plan->nmounts; i++) {
    struct mount_step *m = &plan->mounts[i];
    if (m->op != MOP_BIND) continue;
    unsigned rec = m->flags & MF_RECURSIVE ? X_AT_RECURSIVE : 0;
    m->tree_fd = x_open_tree(AT_FDCWD, m->source, X_OPEN_TREE_CLONE | X_OPEN_TREE_CLOEXEC | rec);
    if (m->tree_fd < 0) {
      if (errno == ENOENT && (m->flags & MF_TRY)) continue;
      die(STEP_BIND_SOURCE, errno, m->source);
    }
    struct x_mount_attr attr = { .attr_set = attrs_of(m->flags) };
    if (attr.attr_set != 0 && x_mount_setattr(m->tree_fd, "", X_AT_EMPTY_PATH | rec, &attr) != 0)
      die(STEP_BIND, errno, m->target);
  }
}

/* Opens the parent directory of `target` under `base`; creates missing directories if `create`. */
static int open_parent(int base, const char *target, int create, const char **leaf) {
  char buf[PATH_MAX];
  size_t n = strlen(target);
  if (n >= sizeof buf) die(STEP_MOUNT_TARGET, ENAMETOOLONG, target);
  memcpy(buf, target, n + 1);
  int fd = openat(base, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) die(STEP_MOUNT_TARGET, errno, target);
  char *p = buf + 1;
  for (char *slash; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
    *slash = 0;
    int next = openat(fd, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0 && errno == ENOENT && create) {
      if (mkdirat(fd, p, 0755) != 0 && errno != EEXIST) die(STEP_MOUNT_TARGET, errno, target);
      next = openat(fd, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (next < 0) die(STEP_MOUNT_TARGET, errno, target);
    close(fd);
    fd = next;
  }
  *leaf = target + (p - buf);
  return fd;
}

static void make_leaf(int parent, const char *leaf, int dir, const struct mount_step *m, enum exile_step step) {
  int rc = dir ? mkdirat(parent, leaf, 0755) : mknodat(parent, leaf, S_IFREG | 0644, 0);
  if (rc != 0 && errno != EEXIST) die(step, errno, m->target);
}

static void attach(int mfd, int parent, const char *leaf, const struct mount_step *m, enum exile_step step) {
  if (x_move_mount(mfd, "", parent, leaf, X_MOVE_MOUNT_F_EMPTY_PATH) != 0) die(step, errno, m->target);
  close(mfd);
}

/* A fresh instance of a pseudo file system (tmpfs, proc, devpts) with string options. */
static int new_fs(const char *type, const char *const *options, unsigned attrs, enum exile_step step, const char *what) {
  int fd = x_fsopen(type, X_FSOPEN_CLOEXEC);
  if (fd < 0) die(step, errno, what);
  if (x_fsconfig(fd, X_FSCONFIG_SET_STRING, "source", type, 0) != 0) die(step, errno, what);
  for (const char *const *o = options; o[0] != NULL; o += 2)
    if (x_fsconfig(fd, X_FSCONFIG_SET_STRING, o[0], o[1], 0) != 0) die(step, errno, what);
  if (x_fsconfig(fd, X_FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0) die(step, errno, what);
  int mfd = x_fsmount(fd, X_FSMOUNT_CLOEXEC, attrs);
  if (mfd < 0) die(step, errno, what);
  close(fd);
  return mfd;
}

static void write_file(int parent, const char *leaf, const struct mount_step *m) {
  int fd = openat(parent, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, m->mode);
  if (fd < 0) die(STEP_FILE, errno, m->target);
  for (size_t done = 0; done < m->source_len;) {
    ssize_t w = write(fd, m->source + done, m->source_len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) die(STEP_FILE, w < 0 ? errno : EIO, m->target);
    done += (size_t)w;
  }
  if (close(fd) != 0) die(STEP_FILE, errno, m->target);
}

/* Binds a path of the new tree onto itself, read-only with every submount: --remount-ro. */
static void remount_ro(int parent, const char *leaf, const struct mount_step *m) {
  int fd = x_open_tree(parent, leaf, X_OPEN_TREE_CLONE | X_OPEN_TREE_CLOEXEC | X_AT_RECURSIVE | X_AT_SYMLINK_NOFOLLOW);
  if (fd < 0 && errno == ENOENT && (m->flags & MF_TRY)) return;
  if (fd < 0) die(STEP_REMOUNT_RO, errno, m->target);
  struct x_mount_attr attr = { .attr_set = X_MOUNT_ATTR_RDONLY | attrs_of(m->flags) };
  if (x_mount_setattr(fd, "", X_AT_EMPTY_PATH | X_AT_RECURSIVE, &attr) != 0) die(STEP_REMOUNT_RO, errno, m->target);
  attach(fd, parent, leaf, m, STEP_REMOUNT_RO);
}

static void run_step(int base, int create, struct mount_step *m) {
  if (m->op == MOP_BIND && m->tree_fd < 0) return; /* optional source that does not exist */
  const char *leaf;
  int parent = open_parent(base, m->target, create, &leaf);
  char mode[16], size[32];
  snprintf(mode, sizeof mode, "%o", m->mode);
  snprintf(size, sizeof size, "%llu", (unsigned long long)m->size);
  switch (m->op) {
    case MOP_BIND: {
      struct stat st;
      if (fstat(m->tree_fd, &st) != 0) die(STEP_BIND, errno, m->source);
      if (create) make_leaf(parent, leaf, S_ISDIR(st.st_mode), m, STEP_BIND);
      attach(m->tree_fd, parent, leaf, m, STEP_BIND);
      m->tree_fd = -1;
      break;
    }
    case MOP_TMPFS: {
      const char *opts[] = { "mode", mode, m->size ? "size" : NULL, size, NULL };
      int mfd = new_fs("tmpfs", opts, attrs_of(m->flags), STEP_TMPFS, m->target);
      if (create) make_leaf(parent, leaf, 1, m, STEP_TMPFS);
      attach(mfd, parent, leaf, m, STEP_TMPFS);
      break;
    }
    case MOP_PROC: {
      const char *opts[] = { NULL };
      int mfd = new_fs("proc", opts, attrs_of(m->flags), STEP_PROC, m->target);
      if (create) make_leaf(parent, leaf, 1, m, STEP_PROC);
      attach(mfd, parent, leaf, m, STEP_PROC);
      break;
    }
    case MOP_DEVPTS: {
      const char *opts[] = { "ptmxmode", "0666", "mode", "0620", NULL };
      int mfd = new_fs("devpts", opts, attrs_of(m->flags), STEP_DEVPTS, m->target);
      if (create) make_leaf(parent, leaf, 1, m, STEP_DEVPTS);
      attach(mfd, parent, leaf, m, STEP_DEVPTS);
      break;
    }
    case MOP_MKDIR:
      if (mkdirat(parent, leaf, m->mode) != 0 && errno != EEXIST) die(STEP_MKDIR, errno, m->target);
      break;
    case MOP_SYMLINK:
      if (symlinkat(m->source, parent, leaf) != 0) die(STEP_SYMLINK, errno, m->target);
      break;
    case MOP_FILE:
      write_file(parent, leaf, m);
      break;
    case MOP_REMOUNT_RO:
      remount_ro(parent, leaf, m);
      break;
  }
  close(parent);
}

static int make_staging(const char *staging) {
  const char *opts[] = { "mode", "755", NULL };
  int mfd = new_fs("tmpfs", opts, X_MOUNT_ATTR_NOSUID | X_MOUNT_ATTR_NODEV, STEP_STAGING, staging);
  if (x_move_mount(mfd, "", AT_FDCWD, staging, X_MOVE_MOUNT_F_EMPTY_PATH) != 0) die(STEP_STAGING, errno, staging);
  close(mfd);
  int fd = open(staging, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) die(STEP_STAGING, errno, staging);
  return fd;
}

static void enter_root(int root) {
  /* pivot_root(".", ".") stacks the old root on the new one; detaching "." then drops it. */
  if (fchdir(root) != 0) die(STEP_PIVOT_ROOT, errno, "fchdir");
  if (x_pivot_root(".", ".") != 0) die(STEP_PIVOT_ROOT, errno, "pivot_root");
  if (umount2(".", MNT_DETACH) != 0) die(STEP_PIVOT_ROOT, errno, "umount old root");
  if (chdir("/") != 0) die(STEP_PIVOT_ROOT, errno, "/");
}

void mounts_build(struct plan *plan) {
  mode_t old_umask = umask(0);
  int base = plan->staging ? make_staging(plan->staging) : open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (base < 0) die(STEP_MOUNT_TARGET, errno, "/");
  int create = (plan->options & OPT_CREATE_TARGETS) != 0;
  for (size_t i = 0; i < plan->nmounts; i++) run_step(base, create, &plan->mounts[i]);
  if (plan->staging) enter_root(base);
  close(base);
  umask(old_umask);
}
