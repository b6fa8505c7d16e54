import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { loadedEngine } from './native.js';

/** One thread of this process, as /proc/self/task/<tid> shows it. */
export interface ThreadInfo {
  tid: number;
  /** comm (Node 20 leaves every thread named `node`; workers and libuv may rename). */
  name: string;
  /** R, S, D, Z, ... */
  state: string;
  /** Field 22 of stat: with `tid`, identifies a thread even when tids are reused. */
  starttime: bigint;
  /** SigBlk as a bit mask (bit n-1 = signal n). */
  blockedSignals: bigint;
  noNewPrivs: boolean;
  /** 0 none, 1 strict, 2 filter. */
  seccompMode: number;
  capEff: bigint;
  /** A kernel io_uring worker (PF_IO_WORKER): it never runs user signal handlers. */
  ioWorker: boolean;
}

const PF_IO_WORKER = 0x10;

function statusField(status: string, key: string): string | undefined {
  const match = new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(status);
  return match?.[1]?.trim();
}

/** Parses /proc/<pid>/task/<tid>/stat; comm may contain spaces and parentheses. */
export function parseStat(stat: string): { state: string; flags: number; starttime: bigint } {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); field n is rest[n - 3].
  return { state: rest[0] ?? '?', flags: Number(rest[6]), starttime: BigInt(rest[19] ?? '0') };
}

/** How many threads this process has now: `list().length` without reading each thread's files. */
export function count(): number {
  return readdirSync('/proc/self/task').length;
}

/** Every live thread of this process (threads that exit while we read are left out). */
export function list(): ThreadInfo[] {
  const threads: ThreadInfo[] = [];
  for (const entry of readdirSync('/proc/self/task')) {
    try {
      const status = readFileSync(`/proc/self/task/${entry}/status`, 'utf8');
      const stat = parseStat(readFileSync(`/proc/self/task/${entry}/stat`, 'utf8'));
      threads.push({
        tid: Number(entry),
        name: statusField(status, 'Name') ?? '',
        state: stat.state,
        starttime: stat.starttime,
        blockedSignals: BigInt('0x' + (statusField(status, 'SigBlk') ?? '0')),
        noNewPrivs: statusField(status, 'NoNewPrivs') === '1',
        seccompMode: Number(statusField(status, 'Seccomp') ?? 0),
        capEff: BigInt('0x' + (statusField(status, 'CapEff') ?? '0')),
        ioWorker: (stat.flags & PF_IO_WORKER) !== 0,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  return threads;
}

/** io_uring rings of this process (`ioUring()`). */
export interface IoUringRings {
  rings: number;
  /** Rings that may bypass Landlock: SQPOLL ones, and those counted in `unverified`. */
  sqpoll: number;
  /** Rings whose fdinfo could not be read, so SQPOLL cannot be ruled out (part of `sqpoll`). */
  unverified: number;
}

/**
 * io_uring rings open in this process, from /proc/self/fd and fdinfo. SQPOLL rings
 * (`SqThread` != -1) submit with the credentials of their creation and bypass Landlock.
 *
 * Fails closed: a ring whose fdinfo cannot be read (e.g. an earlier Landlock layer denies reading
 * /proc/self/fdinfo) counts as SQPOLL, so `sqpoll > 0` whenever a bypass cannot be ruled out.
 * Throws the `fs` error (e.g. `EACCES`) when /proc/self/fd itself cannot be listed.
 */
export function ioUring(): IoUringRings {
  let rings = 0;
  let sqpoll = 0;
  let unverified = 0;
  // The engine's listing when it is loaded (a caller about to broadcast, checking again at its
  // point of no return), else node:fs's; an unlistable /proc/self/fd throws node:fs's error.
  for (const fd of loadedEngine()?.ioUringFds() ?? ringFds()) {
    rings++;
    const thread = sqThread(String(fd));
    if (thread === undefined) unverified++;
    if (thread !== '-1') sqpoll++;
  }
  return { rings, sqpoll, unverified };
}

/** The fds whose /proc/self/fd link is an io_uring. */
function ringFds(): string[] {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === 'anon_inode:[io_uring]';
    } catch {
      return false; // closed since the listing: not a ring any more
    }
  });
}

/** Why `rings` may bypass Landlock, for error messages: "1 io_uring SQPOLL ring(s) and 1 whose fdinfo …". */
export function describeBypass(rings: IoUringRings): string {
  const known = rings.sqpoll - rings.unverified;
  return [
    ...(known > 0 ? [`${known} io_uring SQPOLL ring(s)`] : []),
    ...(rings.unverified > 0 ? [`${rings.unverified} io_uring ring(s) whose fdinfo cannot be read, so SQPOLL cannot be ruled out`] : []),
  ].join(' and ');
}

/** fdinfo's SqThread of a ring; undefined when unreadable or absent, which callers treat as SQPOLL. */
function sqThread(fd: string): string | undefined {
  try {
    return statusField(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'), 'SqThread');
  } catch {
    return undefined;
  }
}
