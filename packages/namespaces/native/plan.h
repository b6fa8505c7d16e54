/* The decoded plan: plain data produced by TypeScript (src/plan-codec.ts), executed by launch.c.
 * Wire format (little-endian): u32 magic "EXL1", u32 total length, then records
 * { u32 tag, u32 length, payload }. Strings are { u32 length, bytes } without NUL. */
#ifndef EXILE_PLAN_H
#define EXILE_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "ops.h" /* @exile/threads' engine ops: EXILE_OP_WORDS, EXILE_MAX_OPS */

#define PLAN_MAGIC 0x314c5845u /* "EXL1" */
#define PLAN_MAX_BYTES (4u << 20)

enum plan_tag {
  TAG_OPTIONS = 1,
  TAG_UID_MAP = 2,
  TAG_GID_MAP = 3,
  TAG_HOSTNAME = 4,
  TAG_MOUNT = 5,
  TAG_ROOT = 6,
  TAG_CWD = 7,
  /* Pre-exec steps. Tags are only identifiers: a plan lists the steps in execution order,
   * caps → no_new_privs → Landlock → seccomp (STEP_RANK in plan.c). */
  TAG_LANDLOCK = 8,
  TAG_CAPS = 9,
  TAG_NO_NEW_PRIVS = 10,
  TAG_SECCOMP = 11,
  TAG_ARG = 12,
  TAG_ENV = 13,
  TAG_EXEC = 14,
};

enum plan_option {
  OPT_DIE_WITH_PARENT = 1u << 0,
  OPT_NEW_SESSION = 1u << 1,
  OPT_LOOPBACK = 1u << 2,
  OPT_SETGROUPS_DENY = 1u << 3,
  OPT_MOUNT_PRIVATE = 1u << 4,
  OPT_CREATE_TARGETS = 1u << 5,
};
#define OPT_ALL 0x3fu

enum mount_op { MOP_BIND = 1, MOP_TMPFS, MOP_PROC, MOP_DEVPTS, MOP_MKDIR, MOP_SYMLINK, MOP_FILE, MOP_REMOUNT_RO };

enum mount_flag {
  MF_READONLY = 1u << 0,
  MF_RECURSIVE = 1u << 1,
  MF_TRY = 1u << 2, /* a missing bind source (or remount target) skips the step */
  MF_NOSUID = 1u << 3,
  MF_NODEV = 1u << 4,
  MF_NOEXEC = 1u << 5,
};
#define MF_ALL 0x3fu

struct id_map { uint32_t inside, outside, count; };

struct mount_step {
  uint32_t op, flags, mode;
  uint64_t size;     /* tmpfs size in bytes, 0 = kernel default */
  char *target;      /* absolute path inside the new root */
  char *source;      /* bind source, symlink target or file content (may be NULL) */
  size_t source_len; /* file content may hold any byte */
  int tree_fd;       /* launcher state: detached clone of a bind source */
};

/* A Landlock ruleset as @exile/landlock encodes it (its src/wire.ts): kernel structs this launcher
 * passes on without reading them, plus where to put the fd of each rule path it opens. */
enum ll_path_flag {
  LL_PATH = 1u << 0,     /* the rule names a path to open */
  LL_IDENTITY = 1u << 1, /* open it O_NOFOLLOW; it must still be the file (dev, ino) planned */
};
#define LL_PATH_FLAGS_ALL 0x3u
#define LL_MAX_STRUCT 256u /* a bound, not a layout: the structs are @exile/landlock's */

struct ll_rule {
  uint32_t type, flags, fd_offset;
  uint32_t add_flags; /* landlock_add_rule's flags, passed on as given */
  uint64_t dev, ino;
  char *path;
  unsigned char *rule, *file_rule; /* path rules: `rule` for a directory, `file_rule` otherwise */
  size_t rule_len, file_rule_len;  /* 0: nothing to add on that kind */
};

struct landlock_step {
  uint32_t restrict_flags;
  unsigned char *attr;
  size_t attr_len;
  size_t nrules;
  struct ll_rule *rules;
  int ruleset_fd; /* launcher state: the ruleset, built before the first pre-exec step */
};

/* A seccomp step with SECCOMP_FILTER_FLAG_NEW_LISTENER sends its listener fd (SCM_RIGHTS) over
 * the socket the parent put at this fd, right after the plan fd. */
#define LISTENER_FD(plan) ((int)(plan)->plan_fd + 1)

struct seccomp_step {
  uint32_t flags;
  uint32_t ninstr;
  unsigned char *filter; /* ninstr * 8 bytes of struct sock_filter */
  uint32_t npid_slots;
  uint32_t *pid_slots; /* indexes of `jeq #k` instructions whose k becomes the program's pid */
};

struct pre_exec_step {
  uint32_t tag; /* TAG_LANDLOCK, TAG_CAPS, TAG_NO_NEW_PRIVS or TAG_SECCOMP */
  int64_t caps_words[EXILE_MAX_OPS * EXILE_OP_WORDS]; /* @exile/caps' recipe as engine ops (encodeOps) */
  uint32_t ncaps_ops;
  struct landlock_step landlock;
  struct seccomp_step seccomp;
};

struct plan {
  uint32_t options, clone_flags, keep_fds, plan_fd, parent_pid;
  int listener; /* a seccomp step has NEW_LISTENER: keep LISTENER_FD open until it is sent */
  size_t nuid, ngid, nmounts, nsteps, nargs, nenv, nexec;
  struct id_map *uid_map, *gid_map;
  char *hostname, *staging, *cwd;
  struct mount_step *mounts;
  struct pre_exec_step *steps;
  char **argv, **envp, **exec; /* NULL-terminated */
};

/* Decodes `len` bytes into `out`. Returns 0, or -1 with a static reason in *why and the byte
 * offset of the problem in *at. Never reads outside [buf, buf+len). */
int plan_decode(const unsigned char *buf, size_t len, struct plan *out, const char **why, size_t *at);
void plan_free(struct plan *plan);

#endif
