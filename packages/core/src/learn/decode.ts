import { constants } from 'node:fs';
import { AF, O } from '@exile/vows';
import type { DecodedCall, EntryKind, FileAccess, FileEvent, NetEvent } from './events.js';

/** Path-argument constants of the *at() calls (linux/fcntl.h, linux/fs.h): the same on every architecture. */
export const AT = { FDCWD: -100, SYMLINK_NOFOLLOW: 0x100, REMOVEDIR: 0x200, EMPTY_PATH: 0x1000 } as const;
const O_NOFOLLOW = 0o400000;
const RENAME_EXCHANGE = 2;

/** A path as the recorder resolved it in the calling process, at the time of the call. */
export interface ResolvedPath {
  path: string;
  exists: boolean;
  dir: boolean;
}

/** What the decoder needs from the calling process (its memory, its cwd and descriptors). */
export interface CallContext {
  /** A NUL-terminated string at `addr`; undefined when it cannot be read. */
  string(addr: bigint): string | undefined;
  bytes(addr: bigint, length: number): Uint8Array | undefined;
  /** `path` relative to `dirfd` (AT_FDCWD: the cwd); `''` is `dirfd` itself. `follow`: resolve a final symlink. */
  resolve(dirfd: number, path: string, follow: boolean): ResolvedPath | undefined;
  /** The protocol of socket `fd`, when it can be told. */
  socketProtocol(fd: number): 'tcp' | 'udp' | undefined;
}

const int = (value: bigint | undefined): number => Number(BigInt.asIntN(32, value ?? 0n));

type Files = (args: readonly bigint[], ctx: CallContext) => FileEvent[];

/** Resolves the path argument pair (dirfd, pathname), or a bare pathname against the cwd. */
function at(ctx: CallContext, dirfd: number, addr: bigint | undefined, follow = true): ResolvedPath | undefined {
  const path = ctx.string(addr ?? 0n);
  return path === undefined ? undefined : ctx.resolve(dirfd, path, follow);
}

const event = (access: FileAccess, resolved: ResolvedPath | undefined, entry?: EntryKind): FileEvent[] =>
  (resolved === undefined ? [] : [{ kind: 'file', access, path: resolved.path, ...(entry === undefined ? {} : { entry }) }]);
/** Only what is there can be run, truncated or changed: a PATH search's misses are not accesses. */
const existing = (access: FileAccess, resolved: ResolvedPath | undefined): FileEvent[] => (resolved?.exists === true ? event(access, resolved) : []);

/** What an open does, from its flags and whether the file was there: sandlock's mkdir-on-/ mistake comes from skipping the latter. */
export function openAccess(flags: number, target: ResolvedPath): FileAccess[] {
  if ((flags & O.PATH) !== 0) return []; // O_PATH opens read nothing, and Landlock does not check them
  const mode = flags & O.ACCMODE;
  if ((flags & O.TMPFILE_BIT) !== 0) return ['create'];
  if (!target.exists) return (flags & O.CREAT) !== 0 ? ['create'] : [];
  if (target.dir) return mode === O.RDONLY ? ['list'] : []; // a directory opened for writing fails (EISDIR)
  const access: FileAccess[] = [];
  if (mode !== O.WRONLY) access.push('read');
  if (mode !== O.RDONLY) access.push('write');
  if ((flags & O.TRUNC) !== 0) access.push('truncate');
  return access;
}

function open(ctx: CallContext, dirfd: number, addr: bigint | undefined, flags: number): FileEvent[] {
  const target = at(ctx, dirfd, addr, (flags & O_NOFOLLOW) === 0);
  if (target === undefined) return [];
  // O_TMPFILE names the directory the unnamed file goes in: it is created there.
  const path = (flags & O.TMPFILE_BIT) !== 0 ? `${target.path.replace(/\/$/, '')}/.tmpfile` : target.path;
  return openAccess(flags, target).map((access) => ({ kind: 'file', access, path, ...(access === 'create' ? { entry: 'reg' as const } : {}) }));
}

/** openat2's flags: the first u64 of its `struct open_how` (both supported arches are little-endian). */
function openHow(ctx: CallContext, dirfd: number, addr: bigint | undefined, how: bigint | undefined): FileEvent[] {
  const bytes = ctx.bytes(how ?? 0n, 8);
  if (bytes === undefined || bytes.length < 8) return [];
  const flags = Number(BigInt.asIntN(32, new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true)));
  return open(ctx, dirfd, addr, flags);
}

/** The kind of node mknod makes, from the file-type bits of its mode (0 is a regular file). */
const NODE_TYPES: Readonly<Record<number, EntryKind>> = {
  0: 'reg', [constants.S_IFREG]: 'reg', [constants.S_IFIFO]: 'fifo', [constants.S_IFSOCK]: 'sock', [constants.S_IFCHR]: 'char', [constants.S_IFBLK]: 'block',
};
const nodeKind = (mode: bigint | undefined): EntryKind => NODE_TYPES[int(mode) & constants.S_IFMT] ?? 'reg';
/** What a removed entry was: Landlock tells directories from everything else. */
const kindOf = (resolved: ResolvedPath | undefined): EntryKind => (resolved?.dir === true ? 'dir' : 'reg');

/** An entry made in a directory; one already there (mkdir -p, EEXIST) changes nothing. */
const create = (resolved: ResolvedPath | undefined, entry: EntryKind): FileEvent[] => (resolved === undefined || resolved.exists ? [] : event('create', resolved, entry));
const remove = (resolved: ResolvedPath | undefined): FileEvent[] => (resolved?.exists === true ? event('remove', resolved, kindOf(resolved)) : []);

function rename(ctx: CallContext, fromFd: number, from: bigint | undefined, toFd: number, to: bigint | undefined, flags = 0): FileEvent[] {
  const source = at(ctx, fromFd, from, false);
  const target = at(ctx, toFd, to, false);
  // An exchange swaps two existing entries: both directories lose one and gain one.
  if ((flags & RENAME_EXCHANGE) !== 0) return [...remove(source), ...remove(target), ...event('create', source, kindOf(target)), ...event('create', target, kindOf(source))];
  return [...remove(source), ...remove(target), ...event('create', target, kindOf(source))];
}

/** Calls that take paths, by name: what each does to which path (x86_64 and aarch64 names alike). */
const PATH_CALLS: Readonly<Record<string, Files>> = {
  open: (a, ctx) => open(ctx, AT.FDCWD, a[0], int(a[1])),
  openat: (a, ctx) => open(ctx, int(a[0]), a[1], int(a[2])),
  openat2: (a, ctx) => openHow(ctx, int(a[0]), a[1], a[2]),
  creat: (a, ctx) => open(ctx, AT.FDCWD, a[0], O.WRONLY | O.CREAT | O.TRUNC),
  execve: (a, ctx) => existing('exec', at(ctx, AT.FDCWD, a[0])),
  execveat: (a, ctx) => existing('exec', at(ctx, int(a[0]), a[1], (int(a[4]) & AT.SYMLINK_NOFOLLOW) === 0)),
  mkdir: (a, ctx) => create(at(ctx, AT.FDCWD, a[0], false), 'dir'),
  mkdirat: (a, ctx) => create(at(ctx, int(a[0]), a[1], false), 'dir'),
  mknod: (a, ctx) => create(at(ctx, AT.FDCWD, a[0], false), nodeKind(a[1])),
  mknodat: (a, ctx) => create(at(ctx, int(a[0]), a[1], false), nodeKind(a[2])),
  unlink: (a, ctx) => remove(at(ctx, AT.FDCWD, a[0], false)),
  rmdir: (a, ctx) => remove(at(ctx, AT.FDCWD, a[0], false)),
  unlinkat: (a, ctx) => remove(at(ctx, int(a[0]), a[1], false)),
  rename: (a, ctx) => rename(ctx, AT.FDCWD, a[0], AT.FDCWD, a[1]),
  renameat: (a, ctx) => rename(ctx, int(a[0]), a[1], int(a[2]), a[3]),
  renameat2: (a, ctx) => rename(ctx, int(a[0]), a[1], int(a[2]), a[3], int(a[4])),
  link: (a, ctx) => create(at(ctx, AT.FDCWD, a[1], false), 'reg'),
  linkat: (a, ctx) => create(at(ctx, int(a[2]), a[3], false), 'reg'),
  symlink: (a, ctx) => create(at(ctx, AT.FDCWD, a[1], false), 'sym'),
  symlinkat: (a, ctx) => create(at(ctx, int(a[1]), a[2], false), 'sym'),
  truncate: (a, ctx) => existing('truncate', at(ctx, AT.FDCWD, a[0])),
  chmod: (a, ctx) => existing('attr', at(ctx, AT.FDCWD, a[0])),
  fchmodat: (a, ctx) => existing('attr', at(ctx, int(a[0]), a[1])),
  fchmodat2: (a, ctx) => existing('attr', at(ctx, int(a[0]), a[1])),
  chown: (a, ctx) => existing('attr', at(ctx, AT.FDCWD, a[0])),
  lchown: (a, ctx) => existing('attr', at(ctx, AT.FDCWD, a[0], false)),
  fchownat: (a, ctx) => existing('attr', at(ctx, int(a[0]), a[1])),
};

type Move = (args: readonly bigint[], ctx: CallContext) => DecodedCall['moved'];
const move = (from: ResolvedPath | undefined, to: ResolvedPath | undefined): DecodedCall['moved'] =>
  (from === undefined || to === undefined ? undefined : { from: from.path, to: to.path });

/** Calls that move or link an entry, from where to where (Landlock's refer right, across directories). */
const MOVES: Readonly<Record<string, Move>> = {
  rename: (a, ctx) => move(at(ctx, AT.FDCWD, a[0], false), at(ctx, AT.FDCWD, a[1], false)),
  renameat: (a, ctx) => move(at(ctx, int(a[0]), a[1], false), at(ctx, int(a[2]), a[3], false)),
  renameat2: (a, ctx) => move(at(ctx, int(a[0]), a[1], false), at(ctx, int(a[2]), a[3], false)),
  link: (a, ctx) => move(at(ctx, AT.FDCWD, a[0], false), at(ctx, AT.FDCWD, a[1], false)),
  linkat: (a, ctx) => move(at(ctx, int(a[0]), a[1], false), at(ctx, int(a[2]), a[3], false)),
};

/** The calls that send to an address they name: a datagram to a pathname UNIX socket is checked as a connect. */
const SEND_CALLS = ['sendto', 'sendmsg'];

/** The names of the calls the decoder reads paths or addresses from (what `--diagnose` has notified). */
export const DECODED_CALLS: readonly string[] = [...Object.keys(PATH_CALLS), 'bind', 'connect', ...SEND_CALLS];

/** The family and port (inet) or path (unix) of a `struct sockaddr`. */
export function decodeSockaddr(bytes: Uint8Array): Omit<NetEvent, 'kind' | 'op' | 'protocol'> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const family = bytes.length >= 2 ? view.getUint16(0, true) : -1;
  if ((family === AF.INET || family === AF.INET6) && bytes.length >= 4) {
    return { family: family === AF.INET ? 'inet' : 'inet6', port: view.getUint16(2, false) };
  }
  if (family === AF.UNIX) {
    const raw = bytes.subarray(2);
    // An abstract socket (leading NUL) has no file.
    if (raw.length === 0 || raw[0] === 0) return { family: 'unix' };
    const end = raw.indexOf(0);
    return { family: 'unix', path: new TextDecoder().decode(end < 0 ? raw : raw.subarray(0, end)) };
  }
  return { family: 'other' };
}

/** The (address, length) a call names its peer by: connect/bind's arguments, sendto's last two, sendmsg's `msg_name`. */
function peerAddress(name: string, args: readonly bigint[], ctx: CallContext): [bigint, number] | undefined {
  if (name === 'sendto') return [args[4] ?? 0n, int(args[5])];
  if (name !== 'sendmsg') return [args[1] ?? 0n, int(args[2])];
  // struct msghdr of a 64-bit process: void *msg_name at 0, socklen_t msg_namelen at 8.
  const header = ctx.bytes(args[1] ?? 0n, 12);
  if (header === undefined) return undefined;
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  return [view.getBigUint64(0, true), view.getUint32(8, true)];
}

function net(name: string, args: readonly bigint[], ctx: CallContext): NetEvent[] {
  const peer = peerAddress(name, args, ctx);
  if (peer === undefined || peer[0] === 0n) return [];
  const [addr, length] = peer;
  const bytes = length > 0 && length <= 128 ? ctx.bytes(addr, length) : undefined;
  if (bytes === undefined) return [];
  const op = name === 'bind' ? 'bind' : 'connect';
  const decoded = decodeSockaddr(bytes);
  // A relative socket path is the caller's, against its working directory.
  const address = decoded.path !== undefined && !decoded.path.startsWith('/') ? { ...decoded, path: ctx.resolve(AT.FDCWD, decoded.path, true)?.path ?? decoded.path } : decoded;
  // A send's IP destination is UDP, whose ports exile does not limit: only a UNIX socket's path is a grant.
  if (SEND_CALLS.includes(name) && address.family !== 'unix') return [];
  const protocol = address.family === 'inet' || address.family === 'inet6' ? ctx.socketProtocol(int(args[0])) : undefined;
  return [{ kind: 'net', op, ...address, ...(protocol === undefined ? {} : { protocol }) }];
}

/**
 * Decodes one notified call of process `pid` (its thread group id): the call itself and what it
 * does to paths and sockets. (A learning run never sends openat2 here: its filter answers ENOSYS,
 * as enforcement will, and libc falls back to openat. `--diagnose` changes no answer, so a
 * program's own openat2 arrives and is decoded from its `struct open_how`.)
 */
export function decodeCall(name: string, args: readonly bigint[], pid: number, ctx: CallContext): DecodedCall {
  const files = PATH_CALLS[name]?.(args, ctx) ?? [];
  const events = name === 'bind' || name === 'connect' || SEND_CALLS.includes(name) ? net(name, args, ctx) : [];
  // Binding a pathname UNIX socket creates its file (Landlock's make-sock, in its directory).
  for (const bound of events) if (bound.op === 'bind' && bound.path !== undefined) files.push({ kind: 'file', access: 'create', path: bound.path, entry: 'sock' });
  const moved = MOVES[name]?.(args, ctx);
  return { call: { syscall: name, args: [...args], pid }, files, net: events, ...(moved === undefined ? {} : { moved }) };
}
