/* Raw syscall wrappers, so the prebuilt launcher does not need a recent glibc; the numbers are
 * @exile/seccomp's (exile/syscall_numbers.h), not the build machine's. */
#ifndef EXILE_SYS_H
#define EXILE_SYS_H

#include <stdint.h>
#include <exile/syscall_numbers.h>
#include <unistd.h>

#define X_OPEN_TREE_CLONE 1u
#define X_OPEN_TREE_CLOEXEC 02000000u
#define X_AT_EMPTY_PATH 0x1000
#define X_AT_RECURSIVE 0x8000
#define X_AT_SYMLINK_NOFOLLOW 0x100
#define X_MOVE_MOUNT_F_EMPTY_PATH 0x4u
#define X_FSOPEN_CLOEXEC 1u
#define X_FSMOUNT_CLOEXEC 1u
#define X_FSCONFIG_SET_FLAG 0u
#define X_FSCONFIG_SET_STRING 1u
#define X_FSCONFIG_CMD_CREATE 6u
#define X_MOUNT_ATTR_RDONLY 0x1u
#define X_MOUNT_ATTR_NOSUID 0x2u
#define X_MOUNT_ATTR_NODEV 0x4u
#define X_MOUNT_ATTR_NOEXEC 0x8u

struct x_mount_attr { uint64_t attr_set, attr_clr, propagation, userns_fd; };

static inline int x_open_tree(int dfd, const char *path, unsigned flags) {
  return (int)syscall(EXILE_NR_open_tree, dfd, path, flags);
}
static inline int x_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags) {
  return (int)syscall(EXILE_NR_move_mount, from_dfd, from, to_dfd, to, flags);
}
static inline int x_mount_setattr(int dfd, const char *path, unsigned flags, struct x_mount_attr *attr) {
  return (int)syscall(EXILE_NR_mount_setattr, dfd, path, flags, attr, sizeof *attr);
}
static inline int x_fsopen(const char *fs, unsigned flags) { return (int)syscall(EXILE_NR_fsopen, fs, flags); }
static inline int x_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux) {
  return (int)syscall(EXILE_NR_fsconfig, fd, cmd, key, value, aux);
}
static inline int x_fsmount(int fd, unsigned flags, unsigned attrs) { return (int)syscall(EXILE_NR_fsmount, fd, flags, attrs); }
static inline int x_pivot_root(const char *new_root, const char *put_old) {
  return (int)syscall(EXILE_NR_pivot_root, new_root, put_old);
}
static inline int x_close_range(unsigned first, unsigned last) { return (int)syscall(EXILE_NR_close_range, first, last, 0u); }
static inline int x_landlock_create_ruleset(const void *attr, size_t size, uint32_t flags) {
  return (int)syscall(EXILE_NR_landlock_create_ruleset, attr, size, flags);
}
static inline int x_landlock_add_rule(int fd, int type, const void *attr, uint32_t flags) {
  return (int)syscall(EXILE_NR_landlock_add_rule, fd, type, attr, flags);
}
static inline int x_seccomp(unsigned op, unsigned flags, void *args) { return (int)syscall(EXILE_NR_seccomp, op, flags, args); }

#endif
