import type { FsAccess } from '@exile/landlock';

/** A path with the exact Landlock rights granted on it (the spec's `fs.rules` form). */
export interface PathRule {
  path: string;
  access: FsAccess[];
}

/** `> /dev/null` opens with O_TRUNC, which Landlock checks (ABI 3) as a right of its own. */
const READ_WRITE: FsAccess[] = ['read-file', 'write-file', 'truncate'];

/**
 * The harmless devices every program started by exile may use unless `fs.devices` is false:
 * the sinks and sources that shells, git, npm and language runtimes open by name and that give
 * access to nothing else. The mount fallback's minimal /dev holds the same.
 */
export const DEVICE_RULES: readonly PathRule[] = [
  { path: '/dev/null', access: READ_WRITE },
  { path: '/dev/zero', access: READ_WRITE },
  { path: '/dev/full', access: READ_WRITE },
  { path: '/dev/random', access: ['read-file'] },
  { path: '/dev/urandom', access: ['read-file'] },
];

/**
 * The terminal a program inherits, opened again by name (`/dev/tty`, or `/dev/pts/N` as libuv
 * and `ttyname()` users do): read, write and its ioctls (termios, window size). Reopening gives
 * nothing the inherited descriptors do not already give.
 */
export const TERMINAL_ACCESS: readonly FsAccess[] = [...READ_WRITE, 'ioctl-dev'];

/** The report's words for the device set. */
export const DEVICES_DETAIL = 'read and write /dev/null, /dev/zero, /dev/full; read /dev/random, /dev/urandom; '
  + 'the terminal it inherits (fs.devices: false, or --no-dev, turns this off)';
