/**
 * Names of the launcher's steps, indexed by the step code in its failure record.
 * Same order as EXILE_STEPS in native/steps.h (a test keeps the two in sync).
 */
export const STEP_NAMES = [
  'plan', 'close-fds', 'die-with-parent', 'new-session', 'unshare', 'setgroups', 'uid-map', 'gid-map',
  'signals', 'fork', 'hostname', 'loopback', 'mount-private', 'bind-source', 'mount-target', 'bind',
  'tmpfs', 'proc', 'devpts', 'mkdir', 'symlink', 'file', 'remount-ro', 'staging', 'pivot-root', 'chdir',
  'landlock', 'caps', 'no-new-privs', 'seccomp', 'execve',
] as const;

/** A step of `exile-launch`, as named in `ExileError.details.step`. */
export type LaunchStep = (typeof STEP_NAMES)[number];
