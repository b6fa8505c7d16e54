// The policy model is @exile/seccomp's; vows only narrow the architectures.
export type { Action, ArgCheck, Rule, SeccompPolicy } from '@exile/seccomp';

/** Architectures the vow table is defined for (their argument constants agree, src/linux.ts), a
 *  subset of @exile/seccomp's list. */
export const VOW_ARCHES = ['x86_64', 'aarch64'] as const;

export type Arch = (typeof VOW_ARCHES)[number];
