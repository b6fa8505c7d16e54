import type { ObservedCall } from '@exile/vows';

/**
 * What a file-system call did to one path, as the recorder saw it before the call ran:
 * - `read`, `write`, `exec`: opened for that (an existing file);
 * - `list`: a directory opened for reading;
 * - `create`: a new entry made in its directory (open with O_CREAT of a missing file, mkdir,
 *   mknod, link, symlink, the target of a rename);
 * - `remove`: an existing entry taken out of its directory (unlink, rmdir, the source of a rename);
 * - `truncate`; `attr`: chmod/chown/utimes (no Landlock right: only vows decide).
 */
export type FileAccess = 'read' | 'write' | 'exec' | 'list' | 'create' | 'remove' | 'truncate' | 'attr';

/** What kind of entry a `create` makes or a `remove` takes away (Landlock has a right for each). */
export type EntryKind = 'reg' | 'dir' | 'sym' | 'sock' | 'fifo' | 'char' | 'block';

export interface FileEvent {
  kind: 'file';
  access: FileAccess;
  /** On `create` and `remove`, when the decoder can tell. */
  entry?: EntryKind;
  /** Absolute, with every directory resolved (realpath of the parent; the name itself as given). */
  path: string;
}

export interface NetEvent {
  kind: 'net';
  op: 'bind' | 'connect';
  family: 'inet' | 'inet6' | 'unix' | 'other';
  /** For inet/inet6 sockets, when known. */
  protocol?: 'tcp' | 'udp';
  port?: number;
  /** For unix sockets: the socket file, when it has one. */
  path?: string;
}

/** One notified syscall, decoded: the call (for the vows) and what it did to files and the network. */
export interface DecodedCall {
  call: ObservedCall;
  files: FileEvent[];
  net: NetEvent[];
  /** A rename or link: the entry moved (or linked) from one path to another. */
  moved?: { from: string; to: string };
}
