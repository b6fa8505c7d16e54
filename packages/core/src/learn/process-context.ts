import { lstatSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { within } from '@exile/common';
import { CHILD_ONLY } from '@exile/landlock';
import type { Listener, Notification } from '@exile/seccomp';
import { AF, SOCK } from '@exile/vows';
import { AT, type CallContext, type ResolvedPath } from './decode.js';

type Reader = Pick<Listener, 'readString' | 'readBytes'>;

const errorCode = (error: unknown): unknown => (error as NodeJS.ErrnoException).code;
/** Lookups that fail for the program as they fail here: the call will fail, and needs no access. */
const UNREACHABLE = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'ELOOP', 'ENAMETOOLONG']);

/** The resolved path of a name that may not exist: its directory resolved, the name kept. */
function resolveMissing(path: string): string {
  if (path === '/') return path;
  try {
    return realpathSync(path);
  } catch (error) {
    if (!UNREACHABLE.has(errorCode(error) as string)) throw error;
    return posix.join(resolveMissing(posix.dirname(path)), posix.basename(path));
  }
}

/**
 * The program's own /proc entries: resolved here they would name this process. Kept as written,
 * as the launcher adds a rule on them in the program's process.
 */
const ownProc = (path: string): boolean => CHILD_ONLY.some((dir) => within(path, dir));

/** Where a path argument leads, seen from this process (the same mount view as the sandbox's). */
export function resolvePath(full: string, follow: boolean): ResolvedPath {
  if (ownProc(full)) return { path: full, exists: true, dir: full.split('/').length === 3 };
  try {
    const stats = follow ? statSync(full) : lstatSync(full);
    const path = follow ? realpathSync(full) : posix.join(resolveMissing(posix.dirname(full)), posix.basename(full));
    return { path, exists: true, dir: stats.isDirectory() };
  } catch (error) {
    if (!UNREACHABLE.has(errorCode(error) as string)) throw error;
    return { path: resolveMissing(full), exists: false, dir: false };
  }
}

/**
 * The protocol of sockets, learned from the socket() calls: BPF-free user space cannot ask a
 * descriptor of another process for its type, but the recorder sees socket(family, type) just
 * before the same thread binds or connects the socket it returned; the socket's inode then
 * remembers it for later calls.
 */
export class SocketKinds {
  private readonly pending = new Map<number, 'tcp' | 'udp'>();
  private readonly byInode = new Map<string, 'tcp' | 'udp'>();

  sawSocket(tid: number, args: readonly bigint[]): void {
    const family = Number(args[0] ?? 0n);
    const type = Number(args[1] ?? 0n) & SOCK.TYPE_MASK;
    if (family !== AF.INET && family !== AF.INET6) return;
    if (type === SOCK.STREAM) this.pending.set(tid, 'tcp');
    else if (type === SOCK.DGRAM) this.pending.set(tid, 'udp');
  }

  protocol(tid: number, fd: number): 'tcp' | 'udp' | undefined {
    let inode: string;
    try {
      inode = readlinkSync(`/proc/${tid}/fd/${fd}`);
    } catch {
      return undefined;
    }
    const known = this.byInode.get(inode);
    if (known !== undefined) return known;
    const fresh = this.pending.get(tid);
    if (fresh === undefined) return undefined;
    this.pending.delete(tid);
    this.byInode.set(inode, fresh);
    return fresh;
  }
}

/** The process (thread group) a notified thread belongs to; `tgids` caches it for one run. */
export function threadGroup(tid: number, tgids: Map<number, number>): number {
  let tgid = tgids.get(tid);
  if (tgid === undefined) {
    try {
      tgid = Number(/^Tgid:\s+(\d+)$/m.exec(readFileSync(`/proc/${tid}/status`, 'utf8'))?.[1] ?? tid);
    } catch {
      tgid = tid;
    }
    tgids.set(tid, tgid);
  }
  return tgid;
}

/**
 * The decoder's view of a notified thread: its memory through the listener (which checks that
 * the notification is still valid after reading), its cwd and descriptors through /proc.
 */
export function processContext(reader: Reader, n: Notification, sockets: SocketKinds): CallContext {
  return {
    string: (addr) => reader.readString(n, addr),
    bytes: (addr, length) => reader.readBytes(n, addr, length),
    resolve: (dirfd, path, follow) => {
      let base = '/';
      if (!path.startsWith('/')) {
        try {
          base = readlinkSync(dirfd === AT.FDCWD ? `/proc/${n.pid}/cwd` : `/proc/${n.pid}/fd/${dirfd}`);
        } catch {
          return undefined;
        }
      }
      return resolvePath(path === '' ? base : posix.resolve(base, path), follow);
    },
    socketProtocol: (fd) => sockets.protocol(n.pid, fd),
  };
}
