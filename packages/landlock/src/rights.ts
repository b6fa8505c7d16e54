/**
 * The Landlock access-right model for ABI 1–10, as data: every right with its bit, the ABI that
 * introduced it and (for file-system rights) whether it applies to a non-directory. Values are
 * re-declared from the kernel UAPI (include/uapi/linux/landlock.h), never read from the build
 * machine's headers.
 */

/** A file-system access right (LANDLOCK_ACCESS_FS_*). */
export type FsAccess = 'execute' | 'write-file' | 'read-file' | 'read-dir' | 'remove-dir' | 'remove-file'
  | 'make-char' | 'make-dir' | 'make-reg' | 'make-sock' | 'make-fifo' | 'make-block' | 'make-sym'
  | 'refer' | 'truncate' | 'ioctl-dev' | 'resolve-unix';

/** A network access right (LANDLOCK_ACCESS_NET_*). */
export type NetAccess = 'bind-tcp' | 'connect-tcp' | 'bind-udp' | 'connect-send-udp';

/** An IPC scope (LANDLOCK_SCOPE_*): blocks the IPC towards processes outside the domain. */
export type Scope = 'abstract-unix-socket' | 'signal';

/** The newest Landlock ABI this package knows. A newer kernel is treated as this one. */
export const NEWEST_ABI = 10;

interface RightInfo {
  /** The value of the flag in the kernel's u64 mask. */
  readonly value: number;
  /** The ABI that introduced it. */
  readonly abi: number;
}

interface FsRightInfo extends RightInfo {
  /** Accepted on a rule whose fd is not a directory (rust-landlock's ACCESS_FILE set). */
  readonly file: boolean;
}

/** LANDLOCK_ACCESS_FS_*, in bit order. */
export const FS_RIGHTS: Readonly<Record<FsAccess, FsRightInfo>> = {
  'execute': { value: 1 << 0, abi: 1, file: true },
  'write-file': { value: 1 << 1, abi: 1, file: true },
  'read-file': { value: 1 << 2, abi: 1, file: true },
  'read-dir': { value: 1 << 3, abi: 1, file: false },
  'remove-dir': { value: 1 << 4, abi: 1, file: false },
  'remove-file': { value: 1 << 5, abi: 1, file: false },
  'make-char': { value: 1 << 6, abi: 1, file: false },
  'make-dir': { value: 1 << 7, abi: 1, file: false },
  'make-reg': { value: 1 << 8, abi: 1, file: false },
  'make-sock': { value: 1 << 9, abi: 1, file: false },
  'make-fifo': { value: 1 << 10, abi: 1, file: false },
  'make-block': { value: 1 << 11, abi: 1, file: false },
  'make-sym': { value: 1 << 12, abi: 1, file: false },
  'refer': { value: 1 << 13, abi: 2, file: false },
  'truncate': { value: 1 << 14, abi: 3, file: true },
  'ioctl-dev': { value: 1 << 15, abi: 5, file: true },
  'resolve-unix': { value: 1 << 16, abi: 9, file: true },
};

/** LANDLOCK_ACCESS_NET_*. */
export const NET_RIGHTS: Readonly<Record<NetAccess, RightInfo>> = {
  'bind-tcp': { value: 1 << 0, abi: 4 },
  'connect-tcp': { value: 1 << 1, abi: 4 },
  'bind-udp': { value: 1 << 2, abi: 10 },
  'connect-send-udp': { value: 1 << 3, abi: 10 },
};

/** LANDLOCK_SCOPE_*. (There is deliberately no PATHNAME_UNIX_SOCKET scope: it shipped as the
 *  resolve-unix file-system right.) */
export const SCOPES: Readonly<Record<Scope, RightInfo>> = {
  'abstract-unix-socket': { value: 1 << 0, abi: 6 },
  'signal': { value: 1 << 1, abi: 6 },
};

export const FS_ACCESS_NAMES = Object.keys(FS_RIGHTS) as FsAccess[];
export const NET_ACCESS_NAMES = Object.keys(NET_RIGHTS) as NetAccess[];
export const SCOPE_NAMES = Object.keys(SCOPES) as Scope[];

/** `read` in a spec: list directories and read files. */
export const READ: readonly FsAccess[] = ['read-file', 'read-dir'];
/** `exec` in a spec: execute and read files (a directory of programs need not be listable). */
export const EXEC: readonly FsAccess[] = ['execute', 'read-file'];
/** `write` in a spec: everything that creates, changes or removes — not reading, not ioctl-dev,
 *  not resolve-unix, and not device nodes: a block device made in a writable directory reads a
 *  whole disk, so `make-char` / `make-block` are granted only by name (`makeDevices`, `rules`). */
export const WRITE: readonly FsAccess[] = ['write-file', 'truncate', 'remove-dir', 'remove-file',
  'make-dir', 'make-reg', 'make-sock', 'make-fifo', 'make-sym', 'refer'];
/** `sockets` in a spec: connect or send to pathname UNIX sockets. Not in `write`: a socket is a
 *  door to another program (a tmux server in /tmp runs whatever it is sent), so a writable
 *  directory must not open every socket in it. */
export const SOCKETS: readonly FsAccess[] = ['resolve-unix'];
/** `makeDevices` in a spec: create character and block device nodes. */
export const MAKE_DEVICES: readonly FsAccess[] = ['make-char', 'make-block'];

/** The OR of the given rights' values. */
export function maskOf<T extends string>(table: Readonly<Record<T, RightInfo>>, names: Iterable<T>): number {
  let mask = 0;
  for (const name of names) mask |= table[name].value;
  return mask;
}

/** The names whose bit is set in `mask`, in table order. */
export function namesOf<T extends string>(table: Readonly<Record<T, RightInfo>>, mask: number): T[] {
  return (Object.keys(table) as T[]).filter((name) => (mask & table[name].value) !== 0);
}

/** Every right of `table` that ABI `abi` knows. */
export function knownAt<T extends string>(table: Readonly<Record<T, RightInfo>>, abi: number): T[] {
  return (Object.keys(table) as T[]).filter((name) => table[name].abi <= abi);
}

/** The rights of FS_RIGHTS that a rule on a non-directory may carry. */
export const FILE_MASK = maskOf(FS_RIGHTS, FS_ACCESS_NAMES.filter((name) => FS_RIGHTS[name].file));
