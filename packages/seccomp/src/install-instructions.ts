import { ErrorCodes, ExileError, callNative, invalid } from '@exile/common';
import { native } from './native.js';

// A process that installs a filter compiled elsewhere for a placeholder fills its slots first.
export { fillSlots } from './slots.js';

/** SECCOMP_FILTER_FLAG_* from linux/seccomp.h that `install` may pass. */
export const INSTALL_FLAGS = { TSYNC: 1, LOG: 2 } as const;

/** A flag name of `INSTALL_FLAGS`. */
export type InstallFlag = keyof typeof INSTALL_FLAGS;

/**
 * Installs BPF instructions that were compiled somewhere else — another process, a cache — on
 * this process: no_new_privs, then seccomp(SECCOMP_SET_MODE_FILTER, flags). This entry point
 * (`@exile/seccomp/install`) loads neither the compiler nor the syscall tables, so a freshly
 * started process pays only for the addon; the kernel's verifier still refuses a malformed
 * program (ERR_EXILE_SYSCALL, EINVAL). With TSYNC, a thread whose filter diverges is
 * ERR_EXILE_THREADS naming it, with nothing installed. Returns the numeric flags used. In
 * parentheses, V8 compiles it when this module loads (an eager-compile hint), not at its first
 * call, which is often a caller's point of no return.
 */
export const installInstructions = (function installInstructions(instructions: Uint8Array, flags: readonly InstallFlag[] = ['TSYNC']): number {
  if (!(instructions instanceof Uint8Array) || instructions.length === 0 || instructions.length % 8 !== 0) {
    throw invalid('instructions', 'must be a non-empty Uint8Array of 8-byte sock_filter instructions');
  }
  const value = flags.reduce((sum, name) => sum | INSTALL_FLAGS[name], 0);
  const tid = callNative('installing the seccomp filter', () => native.install(instructions, value));
  if (tid !== 0) {
    throw new ExileError(ErrorCodes.THREADS,
      `seccomp TSYNC failed: thread ${tid} has a filter that is not an ancestor of this thread's; nothing was installed`, { tid });
  }
  return value;
});
