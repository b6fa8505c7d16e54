/* Decoder of the binary plan. It trusts nothing: every length is bounds-checked, every enum and
 * flag set is checked against the known values, and the structural rules the TypeScript encoder
 * follows (one OPTIONS record first, pre-exec steps in execution order, at least one argument and
 * one exec candidate) are enforced again here. */
#include "plan.h"

#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>

#define CLONE_NS_ALL 0x7e020000u /* NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET */
#define MAX_ITEMS 4096u
#define MAX_STRING 65536u
/* A launched module's code is granted file by file (@exile/core runtime-paths.ts MAX_CODE_FILES):
 * the ruleset is the one record that may fill the plan. */
#define MAX_LL_RULES 65536u
#define MAX_LL_RULE_BYTES 16u /* the smallest rule: type, flags, add-rule flags, an empty struct length */
#define MAX_FILTER 4096u
/* TSYNC | LOG | SPEC_ALLOW, and NEW_LISTENER: its fd goes to the parent (plan.h LISTENER_FD) */
#define SECCOMP_FLAGS_ALLOWED 0xfu
#define SECCOMP_NEW_LISTENER 0x8u
#define LL_MAGIC 0x32524c4cu    /* "LLR2" */
#define MAX_PID_SLOTS 64u

/* Execution order of the pre-exec steps, by tag (src/plan.ts STEP_ORDER): Landlock after
 * no_new_privs, so an unprivileged caller needs no CAP_SYS_ADMIN for it. */
static const unsigned char STEP_RANK[] = { [TAG_CAPS] = 0, [TAG_NO_NEW_PRIVS] = 1, [TAG_LANDLOCK] = 2, [TAG_SECCOMP] = 3 };

struct reader {
  const unsigned char *p;
  size_t len, pos;
  const char *why;
};

static int fail(struct reader *r, const char *why) {
  if (r->why == NULL) r->why = why;
  return -1;
}

static int need(struct reader *r, size_t n) {
  if (r->len - r->pos < n) return fail(r, "truncated record");
  return 0;
}

static int u32(struct reader *r, uint32_t *v) {
  if (need(r, 4)) return -1;
  const unsigned char *p = r->p + r->pos;
  *v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  r->pos += 4;
  return 0;
}

static int u64(struct reader *r, uint64_t *v) {
  uint32_t lo, hi;
  if (u32(r, &lo) || u32(r, &hi)) return -1;
  *v = (uint64_t)hi << 32 | lo;
  return 0;
}

/* Strings may not contain NUL unless `binary`; an empty string is refused unless `empty_ok`; at most `max` bytes. */
static int str_max(struct reader *r, char **out, size_t *out_len, int binary, int empty_ok, size_t max) {
  uint32_t n;
  if (u32(r, &n)) return -1;
  if (n > max) return fail(r, "string too long");
  if (need(r, n)) return -1;
  if (n == 0 && !empty_ok) return fail(r, "empty string");
  if (!binary && memchr(r->p + r->pos, 0, n) != NULL) return fail(r, "NUL in string");
  char *s = malloc((size_t)n + 1);
  if (s == NULL) return fail(r, "out of memory");
  memcpy(s, r->p + r->pos, n);
  s[n] = 0;
  r->pos += n;
  *out = s;
  if (out_len != NULL) *out_len = n;
  return 0;
}

static int str(struct reader *r, char **out, size_t *out_len, int binary, int empty_ok) {
  return str_max(r, out, out_len, binary, empty_ok, MAX_STRING);
}

/* Absolute, no empty, "." or ".." components, no trailing slash except for "/" itself. */
static int abs_path(struct reader *r, const char *s) {
  if (s[0] != '/') return fail(r, "path is not absolute");
  if (s[1] == 0) return 0;
  for (const char *c = s + 1;;) {
    const char *end = strchr(c, '/');
    size_t n = end ? (size_t)(end - c) : strlen(c);
    if (n == 0) return fail(r, "empty path component");
    if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) return fail(r, "dot path component");
    if (end == NULL) return 0;
    c = end + 1;
  }
}

static void *grow(struct reader *r, void **arr, size_t *count, size_t size) {
  if (*count >= MAX_ITEMS) {
    fail(r, "too many items");
    return NULL;
  }
  void *next = realloc(*arr, (*count + 1) * size);
  if (next == NULL) {
    fail(r, "out of memory");
    return NULL;
  }
  *arr = next;
  void *item = (char *)next + *count * size;
  memset(item, 0, size);
  (*count)++;
  return item;
}

static int push_string(struct reader *r, char ***arr, size_t *count, int empty_ok) {
  /* keeps one spare slot for the NULL terminator */
  if (*count + 1 >= MAX_ITEMS) return fail(r, "too many items");
  char **next = realloc(*arr, (*count + 2) * sizeof(char *));
  if (next == NULL) return fail(r, "out of memory");
  *arr = next;
  next[*count] = NULL;
  if (str(r, &next[*count], NULL, 0, empty_ok)) return -1;
  (*count)++;
  next[*count] = NULL;
  return 0;
}

static int decode_options(struct reader *r, struct plan *plan) {
  if (u32(r, &plan->options) || u32(r, &plan->clone_flags) || u32(r, &plan->keep_fds) ||
      u32(r, &plan->plan_fd) || u32(r, &plan->parent_pid))
    return -1;
  if (plan->options & ~OPT_ALL) return fail(r, "unknown option bit");
  if (plan->clone_flags & ~CLONE_NS_ALL) return fail(r, "unknown clone flag");
  if (plan->keep_fds < 3 || plan->keep_fds > 1024) return fail(r, "keep_fds out of range");
  if (plan->plan_fd < plan->keep_fds || plan->plan_fd > 1025) return fail(r, "plan fd out of range");
  return 0;
}

static int decode_map(struct reader *r, struct id_map **arr, size_t *count) {
  if (*count >= 340) return fail(r, "too many id map lines");
  struct id_map *m = grow(r, (void **)arr, count, sizeof **arr);
  if (m == NULL || u32(r, &m->inside) || u32(r, &m->outside) || u32(r, &m->count)) return -1;
  if (m->count == 0 || m->inside > UINT32_MAX - m->count || m->outside > UINT32_MAX - m->count)
    return fail(r, "id map range invalid");
  return 0;
}

static int decode_mount(struct reader *r, struct plan *plan) {
  struct mount_step *m = grow(r, (void **)&plan->mounts, &plan->nmounts, sizeof *m);
  if (m == NULL) return -1;
  m->tree_fd = -1;
  if (u32(r, &m->op) || u32(r, &m->flags) || u32(r, &m->mode) || u64(r, &m->size)) return -1;
  if (m->op < MOP_BIND || m->op > MOP_REMOUNT_RO) return fail(r, "unknown mount op");
  if (m->flags & ~MF_ALL) return fail(r, "unknown mount flag");
  if (m->mode > 07777) return fail(r, "mode out of range");
  if (str(r, &m->target, NULL, 0, 0) || abs_path(r, m->target)) return -1;
  int has_source = m->op == MOP_BIND || m->op == MOP_SYMLINK || m->op == MOP_FILE;
  if (str(r, &m->source, &m->source_len, m->op == MOP_FILE, m->op != MOP_BIND && m->op != MOP_SYMLINK)) return -1;
  if (!has_source && m->source_len != 0) return fail(r, "unexpected mount source");
  if (m->op == MOP_BIND && abs_path(r, m->source)) return -1;
  if (strcmp(m->target, "/") == 0) return fail(r, "cannot mount over the root");
  return 0;
}

/* A kernel struct this launcher passes on: non-empty unless `empty_ok`, and small. */
static int ll_struct(struct reader *r, unsigned char **out, size_t *len, int empty_ok) {
  char *bytes;
  if (str(r, &bytes, len, 1, empty_ok)) return -1;
  *out = (unsigned char *)bytes;
  if (*len > LL_MAX_STRUCT) return fail(r, "landlock struct too large");
  return 0;
}

/* The ruleset framing of @exile/landlock (its src/wire.ts); the structs inside stay opaque. */
static int decode_landlock(struct reader *outer, struct landlock_step *l) {
  unsigned char *blob;
  size_t n;
  uint32_t magic, nrules;
  if (str_max(outer, (char **)&blob, &n, 1, 0, PLAN_MAX_BYTES)) return -1;
  struct reader r = { blob, n, 0, NULL };
  int rc = -1;
  if (u32(&r, &magic) || u32(&r, &l->restrict_flags)) goto out;
  if (magic != LL_MAGIC) { fail(&r, "landlock ruleset magic"); goto out; }
  if (ll_struct(&r, &l->attr, &l->attr_len, 0) || u32(&r, &nrules)) goto out;
  if (nrules > MAX_LL_RULES) { fail(&r, "too many landlock rules"); goto out; }
  if (nrules > (r.len - r.pos) / MAX_LL_RULE_BYTES) { fail(&r, "truncated record"); goto out; }
  /* All at once: thousands of rules grown one by one would copy the array each time. */
  if (nrules > 0 && (l->rules = calloc(nrules, sizeof *l->rules)) == NULL) { fail(&r, "out of memory"); goto out; }
  for (uint32_t i = 0; i < nrules; i++) {
    struct ll_rule *rule = &l->rules[l->nrules++];
    if (u32(&r, &rule->type) || u32(&r, &rule->flags) || u32(&r, &rule->add_flags)) goto out;
    if (rule->flags & ~LL_PATH_FLAGS_ALL) { fail(&r, "unknown landlock path flag"); goto out; }
    if (!(rule->flags & LL_PATH)) {
      if (rule->flags != 0) { fail(&r, "landlock identity without a path"); goto out; }
      if (ll_struct(&r, &rule->rule, &rule->rule_len, 0)) goto out;
      continue;
    }
    if (u64(&r, &rule->dev) || u64(&r, &rule->ino) || u32(&r, &rule->fd_offset) ||
        str(&r, &rule->path, NULL, 0, 0) || abs_path(&r, rule->path) ||
        ll_struct(&r, &rule->rule, &rule->rule_len, 1) || ll_struct(&r, &rule->file_rule, &rule->file_rule_len, 1))
      goto out;
    if (rule->rule_len == 0 && rule->file_rule_len == 0) { fail(&r, "landlock path rule without a rule"); goto out; }
    if ((rule->rule_len && (rule->rule_len < sizeof(int) || rule->fd_offset > rule->rule_len - sizeof(int))) ||
        (rule->file_rule_len && (rule->file_rule_len < sizeof(int) || rule->fd_offset > rule->file_rule_len - sizeof(int)))) {
      fail(&r, "landlock fd offset outside the rule");
      goto out;
    }
  }
  if (r.pos != r.len) { fail(&r, "trailing bytes in landlock ruleset"); goto out; }
  rc = 0;
out:
  if (rc) outer->why = r.why;
  free(blob);
  return rc;
}

static int decode_seccomp(struct reader *r, struct plan *plan, struct seccomp_step *s) {
  char *bytes;
  size_t n;
  if (u32(r, &s->flags) || str(r, &bytes, &n, 1, 0)) return -1;
  s->filter = (unsigned char *)bytes;
  if (s->flags & ~SECCOMP_FLAGS_ALLOWED) return fail(r, "seccomp flags");
  if (s->flags & SECCOMP_NEW_LISTENER) {
    /* The kernel refuses a second listener in one task; refusing it here says so earlier. */
    if (plan->listener) return fail(r, "second seccomp listener");
    plan->listener = 1;
  }
  if (n % 8 != 0 || n / 8 > MAX_FILTER) return fail(r, "seccomp filter size");
  s->ninstr = (uint32_t)(n / 8);
  if (u32(r, &s->npid_slots)) return -1;
  if (s->npid_slots > MAX_PID_SLOTS) return fail(r, "seccomp pid slots");
  if (s->npid_slots == 0) return 0;
  s->pid_slots = calloc(s->npid_slots, sizeof *s->pid_slots);
  if (s->pid_slots == NULL) return fail(r, "out of memory");
  for (uint32_t i = 0; i < s->npid_slots; i++) {
    if (u32(r, &s->pid_slots[i])) return -1;
    if (s->pid_slots[i] >= s->ninstr) return fail(r, "seccomp pid slot out of range");
    struct sock_filter insn;
    memcpy(&insn, s->filter + sizeof insn * s->pid_slots[i], sizeof insn);
    if (insn.code != (BPF_JMP | BPF_JEQ | BPF_K)) return fail(r, "seccomp pid slot is not a jeq #k");
  }
  return 0;
}

/* Engine ops as @exile/threads encodes them (EXILE_OP_WORDS int64 words each, host order). */
static int decode_caps(struct reader *r, struct pre_exec_step *s) {
  char *bytes;
  size_t n;
  const size_t op_size = EXILE_OP_WORDS * sizeof(int64_t);
  if (str(r, &bytes, &n, 1, 0)) return -1;
  if (n == 0 || n % op_size != 0 || n / op_size > EXILE_MAX_OPS) {
    free(bytes);
    return fail(r, "caps ops size");
  }
  memcpy(s->caps_words, bytes, n);
  free(bytes);
  s->ncaps_ops = (uint32_t)(n / op_size);
  return 0;
}

static int decode_step(struct reader *r, struct plan *plan, uint32_t tag) {
  if (plan->nsteps > 0 && STEP_RANK[plan->steps[plan->nsteps - 1].tag] > STEP_RANK[tag]) return fail(r, "pre-exec steps out of order");
  struct pre_exec_step *s = grow(r, (void **)&plan->steps, &plan->nsteps, sizeof *s);
  if (s == NULL) return -1;
  s->tag = tag;
  s->landlock.ruleset_fd = -1;
  switch (tag) {
    case TAG_LANDLOCK: return decode_landlock(r, &s->landlock);
    case TAG_CAPS: return decode_caps(r, s);
    case TAG_NO_NEW_PRIVS: return 0;
    default: return decode_seccomp(r, plan, &s->seccomp);
  }
}

static int single_string(struct reader *r, char **slot) {
  if (*slot != NULL) return fail(r, "duplicate record");
  return str(r, slot, NULL, 0, 0);
}

static int decode_record(struct reader *r, struct plan *plan, uint32_t tag) {
  switch (tag) {
    case TAG_UID_MAP: return decode_map(r, &plan->uid_map, &plan->nuid);
    case TAG_GID_MAP: return decode_map(r, &plan->gid_map, &plan->ngid);
    case TAG_HOSTNAME: return single_string(r, &plan->hostname);
    case TAG_MOUNT: return decode_mount(r, plan);
    case TAG_ROOT: return single_string(r, &plan->staging) || abs_path(r, plan->staging) ? -1 : 0;
    case TAG_CWD: return single_string(r, &plan->cwd);
    case TAG_LANDLOCK: case TAG_CAPS: case TAG_NO_NEW_PRIVS: case TAG_SECCOMP:
      return decode_step(r, plan, tag);
    case TAG_ARG: return push_string(r, &plan->argv, &plan->nargs, 1);
    case TAG_ENV: return push_string(r, &plan->envp, &plan->nenv, 0);
    case TAG_EXEC: return push_string(r, &plan->exec, &plan->nexec, 0);
    case TAG_OPTIONS: return fail(r, "duplicate options record");
    default: return fail(r, "unknown record tag");
  }
}

int plan_decode(const unsigned char *buf, size_t len, struct plan *plan, const char **why, size_t *at) {
  struct reader whole = { buf, len, 0, NULL };
  uint32_t magic, total;
  memset(plan, 0, sizeof *plan);
  int rc = -1;
  if (u32(&whole, &magic)) goto out;
  if (magic != PLAN_MAGIC) { whole.pos = 0; fail(&whole, "bad magic"); goto out; }
  if (u32(&whole, &total)) goto out;
  if (total != len || len > PLAN_MAX_BYTES) { whole.pos = 4; fail(&whole, "length mismatch"); goto out; }
  int first = 1;
  while (whole.pos < len) {
    uint32_t tag, n;
    if (u32(&whole, &tag) || u32(&whole, &n) || need(&whole, n)) goto out;
    struct reader r = { buf + whole.pos, n, 0, NULL };
    if (first != (tag == TAG_OPTIONS)) { fail(&whole, "options record must come first, once"); goto out; }
    int bad = first ? decode_options(&r, plan) : decode_record(&r, plan, tag);
    if (!bad && r.pos != r.len) bad = fail(&r, "trailing bytes in record");
    if (bad) { whole.why = r.why; whole.pos += r.pos; goto out; }
    whole.pos += n;
    first = 0;
  }
  if (first) { fail(&whole, "no options record"); goto out; }
  if (plan->nargs == 0 || plan->nexec == 0) { fail(&whole, "no argv or exec candidate"); goto out; }
  if (plan->nenv == 0) {
    plan->envp = calloc(1, sizeof(char *));
    if (plan->envp == NULL) { fail(&whole, "out of memory"); goto out; }
  }
  rc = 0;
out:
  if (rc) {
    *why = whole.why ? whole.why : "invalid plan";
    *at = whole.pos;
    plan_free(plan);
  }
  return rc;
}

static void free_strings(char **arr, size_t n) {
  for (size_t i = 0; i < n; i++) free(arr[i]);
  free(arr);
}

void plan_free(struct plan *plan) {
  free(plan->uid_map);
  free(plan->gid_map);
  free(plan->hostname);
  free(plan->staging);
  free(plan->cwd);
  for (size_t i = 0; i < plan->nmounts; i++) {
    free(plan->mounts[i].target);
    free(plan->mounts[i].source);
  }
  free(plan->mounts);
  for (size_t i = 0; i < plan->nsteps; i++) {
    struct landlock_step *l = &plan->steps[i].landlock;
    for (size_t j = 0; j < l->nrules; j++) {
      free(l->rules[j].path);
      free(l->rules[j].rule);
      free(l->rules[j].file_rule);
    }
    free(l->rules);
    free(l->attr);
    free(plan->steps[i].seccomp.filter);
    free(plan->steps[i].seccomp.pid_slots);
  }
  free(plan->steps);
  free_strings(plan->argv, plan->nargs);
  free_strings(plan->envp, plan->nenv);
  free_strings(plan->exec, plan->nexec);
  memset(plan, 0, sizeof *plan);
}
