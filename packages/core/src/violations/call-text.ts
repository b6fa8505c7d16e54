import { constants } from 'node:os';
import { AF, SOCK } from '@exile/vows';

/** What the message shows of a blocked call's arguments: read from the calling task on demand. */
export interface ArgReader {
  /** The NUL-terminated string at `address` in the task, or undefined when it cannot be read. */
  string(address: bigint): string | undefined;
}

type Shown = (args: readonly bigint[], read: ArgReader) => string[];

const int = (value: bigint | undefined): number => Number(BigInt.asIntN(32, value ?? 0n));
const hex = (value: bigint | undefined): string => `0x${(value ?? 0n).toString(16)}`;
function byValue(table: Readonly<Record<string, number>>, prefix: string, value: number): string {
  const name = Object.entries(table).find(([, v]) => v === value)?.[0];
  return name === undefined ? String(value) : `${prefix}${name}`;
}
const SOCK_TYPES = { STREAM: SOCK.STREAM, DGRAM: SOCK.DGRAM, SEQPACKET: SOCK.SEQPACKET, RAW: 3 } as const;
const signalName = (n: number): string => Object.entries(constants.signals).find(([, v]) => v === n)?.[0] ?? String(n);
const path = (index: number): Shown => (args, read) => [JSON.stringify(read.string(args[index] ?? 0n) ?? '?')];
const socket: Shown = (args) => [byValue(AF, 'AF_', int(args[0])), byValue(SOCK_TYPES, 'SOCK_', int(args[1]) & SOCK.TYPE_MASK)];

/**
 * The key arguments of the calls people meet most, as a person would write them: the path of a
 * path call, the family and type of a socket, the signal of a kill, the request of an ioctl.
 * Anything else is shown by name alone.
 */
const SHOWN: Readonly<Record<string, Shown>> = {
  open: path(0), creat: path(0), openat: path(1), execve: path(0), execveat: path(1),
  mkdir: path(0), mkdirat: path(1), rmdir: path(0), unlink: path(0), unlinkat: path(1),
  rename: path(0), renameat: path(1), renameat2: path(1), link: path(0), linkat: path(1),
  symlink: path(1), symlinkat: path(2), chmod: path(0), fchmodat: path(1), chown: path(0), lchown: path(0),
  fchownat: path(1), truncate: path(0), mknod: path(0), mknodat: path(1), chdir: path(0), chroot: path(0),
  stat: path(0), lstat: path(0), newfstatat: path(1), statx: path(1), access: path(0), faccessat: path(1),
  faccessat2: path(1), readlink: path(0), readlinkat: path(1), utimensat: path(1),
  socket, socketpair: socket,
  kill: (a) => [String(int(a[0])), signalName(int(a[1]))],
  tgkill: (a) => [String(int(a[1])), signalName(int(a[2]))],
  ioctl: (a) => [String(int(a[0])), hex(a[1] === undefined ? 0n : BigInt.asUintN(32, a[1]))],
  clone: (a) => [hex(a[0])],
  prctl: (a) => [String(int(a[0]))],
  ptrace: (a) => [String(int(a[0])), String(int(a[1]))],
};

/** `socket(AF_INET, SOCK_STREAM)`, `mkdir("/tmp/x")`, or the bare name. */
export function callText(syscall: string, args: readonly bigint[], read: ArgReader): { text: string; args: string[] } {
  const shown = SHOWN[syscall]?.(args, read) ?? [];
  return { text: shown.length === 0 ? syscall : `${syscall}(${shown.join(', ')})`, args: shown };
}
