// The policy model is @exile/seccomp's; vows only narrow the architectures.
export type { Action, ArgCheck, Rule, SeccompPolicy } from '@exile/seccomp';

/** Architectures the vow table is defined for (their argument constants agree). */
export type Arch = 'x86_64' | 'aarch64';
