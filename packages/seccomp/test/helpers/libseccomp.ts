// The libseccomp driver lives with the benchmark (bench/libseccomp.mjs); tests use it through here.
import { syscalls } from '../../src/index.js';
import type { NormalizedPolicy } from '../../src/validate.js';
import { libseccompBpf as build } from '../../bench/libseccomp.mjs';

export { LIBSECCOMP_ARCH, NEWER_THAN_LIBSECCOMP, libseccompNames, withoutNewer } from '../../bench/libseccomp.mjs';

/** libseccomp's BPF for a normalized policy (see bench/libseccomp.mjs). */
export function libseccompBpf(policy: NormalizedPolicy, optimize: 1 | 2): Uint8Array {
  return build(policy, optimize, (nr) => syscalls.name(nr, policy.arch));
}
