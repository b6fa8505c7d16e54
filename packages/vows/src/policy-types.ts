// The policy model is @exile/seccomp's; vows only narrow the architectures.
export type { Action, ArgCheck, Rule, SeccompPolicy } from '@exile/seccomp';
import { NATIVE_ARCH_NAMES, type NativeArch } from '@exile/seccomp';

/** Architectures the vow table is defined for: those of @exile/seccomp's list where exile's
 *  libc-free C builds (the SIGSYS reporter needs it), its `native` ones. Their argument constants
 *  must be the generic ones src/linux.ts holds (every 64-bit Linux architecture's but alpha,
 *  mips, parisc, powerpc and sparc). */
export const VOW_ARCHES: readonly Arch[] = NATIVE_ARCH_NAMES;

export type Arch = NativeArch;
