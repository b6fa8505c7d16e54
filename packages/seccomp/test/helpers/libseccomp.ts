// Builds and drives test/helpers/libseccomp.c (libseccomp-dev, test-only).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedTempDir } from '@exile/test-utils';
import { syscalls, type Arch, type SeccompPolicy } from '../../src/index.js';
import type { NormalizedPolicy } from '../../src/validate.js';

/**
 * Syscalls our tables (Debian linux-libc-dev 7.2.13) have and Debian 12's libseccomp 2.5.4 does not
 * know yet: everything from Linux 6.3 on.
 */
export const NEWER_THAN_LIBSECCOMP: ReadonlySet<string> = new Set(['uretprobe', 'uprobe', 'riscv_hwprobe', 'statmount', 'listmount',
  'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules', 'mseal', 'setxattrat', 'getxattrat', 'listxattrat', 'removexattrat',
  'open_tree_attr', 'file_getattr', 'file_setattr', 'listns', 'rseq_slice_yield', 'cachestat', 'fchmodat2', 'map_shadow_stack',
  'futex_wake', 'futex_wait', 'futex_requeue']);

/** libseccomp's names for exile's architectures. */
export const LIBSECCOMP_ARCH: Record<Arch, string> = { x86_64: 'x86_64', i386: 'x86', aarch64: 'aarch64', riscv64: 'riscv64' };

const SCMP_OP = { ne: 1, lt: 2, le: 3, eq: 4, ge: 5, gt: 6, 'masked-eq': 7 } as const;

let binary: string | undefined;
function helper(): string {
  if (binary === undefined) {
    binary = join(sharedTempDir('exile-libseccomp-'), 'libseccomp');
    execFileSync('cc', ['-O1', '-o', binary, fileURLToPath(new URL('libseccomp.c', import.meta.url)), '-lseccomp']);
  }
  return binary;
}

/** Every number libseccomp can name on `arch`. */
export function libseccompNames(arch: Arch): Map<number, string> {
  const out = execFileSync(helper(), ['names', LIBSECCOMP_ARCH[arch]], { encoding: 'utf8' });
  return new Map(out.trim().split('\n').map((line) => {
    const [nr, name] = line.split(' ') as [string, string];
    return [Number(nr), name];
  }));
}

/**
 * libseccomp's BPF for a normalized policy. The policy must be one libseccomp can express with the
 * same meaning: each syscall in at most one rule, no rule action equal to the default, each
 * argument checked at most once per rule.
 */
export function libseccompBpf(policy: NormalizedPolicy, optimize: 1 | 2): Uint8Array {
  const lines = [`default ${policy.defaultAction}`, `badarch ${policy.badArchAction}`];
  for (const rule of policy.rules) {
    const checks = rule.checks.map((c) => `${c.index} ${SCMP_OP[c.op]} ${c.op === 'masked-eq' ? c.mask : c.value} ${c.op === 'masked-eq' ? c.value : 0n}`);
    for (const nr of rule.nrs) lines.push(`rule ${rule.action} ${syscalls.name(nr, policy.arch)} ${checks.length} ${checks.join(' ')}`);
  }
  const out = execFileSync(helper(), ['export', LIBSECCOMP_ARCH[policy.arch], String(optimize)],
    { input: lines.join('\n') + '\n', maxBuffer: 1 << 24, stdio: ['pipe', 'pipe', 'pipe'] });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}


/** `policy` without the syscalls libseccomp 2.5.4 cannot name (for building the same filter with it). */
export function withoutNewer(policy: SeccompPolicy): SeccompPolicy {
  const rules = policy.rules.map((rule) => ({ ...rule, syscall: (Array.isArray(rule.syscall) ? rule.syscall : [rule.syscall]).filter((name) => !NEWER_THAN_LIBSECCOMP.has(name)) }))
    .filter((rule) => rule.syscall.length > 0);
  return { ...policy, rules };
}
