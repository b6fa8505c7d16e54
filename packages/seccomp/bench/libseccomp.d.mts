import type { Arch, SeccompPolicy } from '../src/index.js';
import type { NormalizedPolicy } from '../src/validate.js';

export const LIBSECCOMP_ARCH: Record<Arch, string>;
export const NEWER_THAN_LIBSECCOMP: ReadonlySet<string>;
export function libseccompNames(arch: Arch): Map<number, string>;
export function libseccompBpf(policy: NormalizedPolicy, optimize: 1 | 2, nameOf: (nr: number) => string | undefined): Uint8Array;
export function withoutNewer(policy: SeccompPolicy): SeccompPolicy;
