// Test and benchmark helper around libseccomp (the reference implementation).
//   libseccomp names <arch>          → "<nr> <name>" for every number libseccomp resolves on <arch>
//   libseccomp resolve <arch>        ← names on stdin, → "<name> <nr>" (negative: not on this arch)
//   libseccomp export <arch> <opt>   ← a policy on stdin, → the BPF (struct sock_filter[]) on stdout,
//                                      built with SCMP_FLTATR_CTL_OPTIMIZE=<opt>
// Policy text: "default <action>\nbadarch <action>\n" then one line per rule:
//   "rule <action> <syscall name> <count> {<arg> <op> <datum_a> <datum_b>}*"   (op: enum scmp_compare)
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint32_t arch_token(const char *name) {
  uint32_t token = seccomp_arch_resolve_name(name);
  if (token == 0) {
    fprintf(stderr, "unknown arch %s\n", name);
    exit(2);
  }
  return token;
}

static int fail(const char *what, int rc) {
  fprintf(stderr, "%s: %s\n", what, strerror(-rc));
  return 1;
}

static int export_policy(uint32_t arch, int optimize) {
  unsigned long def, badarch;
  if (scanf(" default %lu badarch %lu", &def, &badarch) != 2) return fail("bad header", -EINVAL);
  scmp_filter_ctx ctx = seccomp_init((uint32_t)def);
  if (ctx == NULL) return fail("seccomp_init", -ENOMEM);
  int rc;
  if (seccomp_arch_native() != arch) {
    if ((rc = seccomp_arch_add(ctx, arch)) < 0) return fail("seccomp_arch_add", rc);
    if ((rc = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE)) < 0) return fail("seccomp_arch_remove", rc);
  }
  if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, (uint32_t)badarch)) < 0) return fail("ACT_BADARCH", rc);
  if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, (uint32_t)optimize)) < 0) return fail("CTL_OPTIMIZE", rc);
  unsigned long action;
  char name[128];
  unsigned count;
  while (scanf(" rule %lu %127s %u", &action, name, &count) == 3) {
    // By name: libseccomp takes native numbers (or its pseudo numbers) and translates them per arch.
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) return fail(name, -ENOENT);
    struct scmp_arg_cmp cmp[6];
    for (unsigned i = 0; i < count && i < 6; i++) {
      unsigned arg, op;
      unsigned long long a, b;
      if (scanf(" %u %u %llu %llu", &arg, &op, &a, &b) != 4) return fail("bad rule", -EINVAL);
      cmp[i] = (struct scmp_arg_cmp){arg, (enum scmp_compare)op, a, b};
    }
    if ((rc = seccomp_rule_add_exact_array(ctx, (uint32_t)action, nr, count, cmp)) < 0) return fail("seccomp_rule_add", rc);
  }
  fflush(stdout);
  if ((rc = seccomp_export_bpf(ctx, STDOUT_FILENO)) < 0) return fail("seccomp_export_bpf", rc);
  seccomp_release(ctx);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  uint32_t arch = arch_token(argv[2]);
  if (strcmp(argv[1], "names") == 0) {
    for (int nr = 0; nr < 4096; nr++) {
      char *name = seccomp_syscall_resolve_num_arch(arch, nr);
      if (name != NULL) printf("%d %s\n", nr, name);
      free(name);
    }
    return 0;
  }
  if (strcmp(argv[1], "resolve") == 0) {
    char name[128];
    while (scanf(" %127s", name) == 1) printf("%s %d\n", name, seccomp_syscall_resolve_name_arch(arch, name));
    return 0;
  }
  if (strcmp(argv[1], "export") == 0 && argc == 4) return export_policy(arch, atoi(argv[3]));
  return 2;
}
