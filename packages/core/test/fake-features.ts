import type { Features } from '../src/features.js';

/** A feature set like this machine's (Linux 6.18, Landlock ABI 7, user namespaces), with overrides. */
export function fakeFeatures(overrides: { landlockAbi?: number; userNamespaces?: boolean; root?: boolean; tsync?: boolean; seccomp?: boolean; sqpoll?: number; errata?: number } = {}): Features {
  const abi = overrides.landlockAbi ?? 7;
  return {
    arch: 'x86_64',
    kernel: '6.18.0-test',
    landlock: { abi, errata: abi > 0 ? overrides.errata ?? 7 : 0, status: abi > 0 ? 'available' : 'not-implemented' },
    seccomp: { available: overrides.seccomp ?? true, mode: 0, actions: ['kill-process', 'trap', 'errno', 'log', 'allow'], tsync: overrides.tsync ?? true },
    userNamespaces: overrides.userNamespaces === false ? { available: false, reason: 'ENOSPC: user.max_user_namespaces is 0 or exhausted' } : { available: true },
    noNewPrivs: false,
    capabilities: { effective: overrides.root ? ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN'] : [] },
    threads: 7,
    ioUring: { rings: overrides.sqpoll ? 1 : 0, sqpoll: overrides.sqpoll ?? 0, unverified: 0 },
  };
}
