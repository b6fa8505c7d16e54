// Drives bench/libseccomp.c (libseccomp-dev, used by the tests and the benchmark only).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** libseccomp's names for exile's architectures. */
export const LIBSECCOMP_ARCH = { x86_64: 'x86_64', i386: 'x86', aarch64: 'aarch64', riscv64: 'riscv64' };

/**
 * Syscalls our tables (Debian linux-libc-dev 7.2.13) have and Debian 12's libseccomp 2.5.4 does not
 * know yet: everything from Linux 6.3 on.
 */
export const NEWER_THAN_LIBSECCOMP = new Set(['uretprobe', 'uprobe', 'riscv_hwprobe', 'statmount', 'listmount',
  'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules', 'mseal', 'setxattrat', 'getxattrat', 'listxattrat', 'removexattrat',
  'open_tree_attr', 'file_getattr', 'file_setattr', 'listns', 'rseq_slice_yield', 'cachestat', 'fchmodat2', 'map_shadow_stack',
  'futex_wake', 'futex_wait', 'futex_requeue']);

const SCMP_OP = { ne: 1, lt: 2, le: 3, eq: 4, ge: 5, gt: 6, 'masked-eq': 7 };

let binary;
function helper() {
  if (binary === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'exile-libseccomp-'));
    chmodSync(dir, 0o755);
    binary = join(dir, 'libseccomp');
    execFileSync('cc', ['-O1', '-o', binary, fileURLToPath(new URL('libseccomp.c', import.meta.url)), '-lseccomp']);
  }
  return binary;
}

/** Every number libseccomp can name on `arch`: Map<nr, name>. */
export function libseccompNames(arch) {
  const out = execFileSync(helper(), ['names', LIBSECCOMP_ARCH[arch]], { encoding: 'utf8' });
  return new Map(out.trim().split('\n').map((line) => {
    const [nr, name] = line.split(' ');
    return [Number(nr), name];
  }));
}

/**
 * libseccomp's BPF (Uint8Array of struct sock_filter) for a normalized policy, built with
 * SCMP_FLTATR_CTL_OPTIMIZE=`optimize`. The policy must mean the same under libseccomp: each
 * syscall with one action, no rule action equal to the default, an argument checked once per rule.
 */
export function libseccompBpf(policy, optimize, nameOf) {
  const lines = [`default ${policy.defaultAction}`, `badarch ${policy.badArchAction}`];
  for (const rule of policy.rules) {
    const checks = rule.checks.map((c) => `${c.index} ${SCMP_OP[c.op]} ${c.op === 'masked-eq' ? c.mask : c.value} ${c.op === 'masked-eq' ? c.value : 0n}`);
    for (const nr of rule.nrs) lines.push(`rule ${rule.action} ${nameOf(nr)} ${checks.length} ${checks.join(' ')}`);
  }
  const out = execFileSync(helper(), ['export', LIBSECCOMP_ARCH[policy.arch], String(optimize)],
    { input: lines.join('\n') + '\n', maxBuffer: 1 << 24, stdio: ['pipe', 'pipe', 'pipe'] });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** `policy` without the syscalls libseccomp 2.5.4 cannot name. */
export function withoutNewer(policy) {
  const rules = policy.rules
    .map((rule) => ({ ...rule, syscall: (Array.isArray(rule.syscall) ? rule.syscall : [rule.syscall]).filter((name) => !NEWER_THAN_LIBSECCOMP.has(name)) }))
    .filter((rule) => rule.syscall.length > 0);
  return { ...policy, rules };
}
