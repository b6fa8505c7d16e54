import { readFileSync } from 'node:fs';
import { callNative } from '@exile/common';
import { ACTION_VALUES } from './actions.js';
import { ARCH_NAMES, ARCHES } from './arches.js';
import { native, type ListenerHandle } from './native.js';
import { syscalls } from './syscalls.js';
import type { Arch } from './types.js';

/** One system call a filter sent to the listener (`struct seccomp_notif`). The task waits for the answer. */
export interface Notification {
  /** The kernel's cookie for this notification; each one is answered exactly once. */
  id: bigint;
  /** The calling thread's id, in this process's pid namespace. */
  pid: number;
  /** AUDIT_ARCH_* of the call. */
  arch: number;
  nr: number;
  /** The syscall's name on that architecture; undefined for a number exile has no name for. */
  syscall: string | undefined;
  /** The six raw arguments. */
  args: bigint[];
  ip: bigint;
}

/** Options of `openListener()`. */
export interface ListenerOptions {
  /**
   * Called once when supervision ends: no task uses the filter any more, the launcher never sent
   * the listener (it failed before the seccomp step), or `close()` was called. `error` when an
   * ioctl failed.
   */
  onEnd?: (error?: Error) => void;
}

/**
 * A seccomp user-notification listener, received from the sandbox's launcher and served on a
 * thread of its own. Every notification must be answered once: `deny`, `kill` or (recording
 * and observing only, never to enforce: the arguments may change after they were read)
 * `continue`.
 */
export interface Listener {
  /** The launcher's end of the socket the listener fd arrives on; give it to the seccomp step (`listener`). */
  readonly socket: number;
  /** Closes this process's copy of `socket`, once the launcher holds it. */
  releaseSocket(): void;
  /** The call fails with `errno`. False when the notification is gone (task died or interrupted) or the listener is closed. */
  deny(id: bigint, errno: number): boolean;
  /**
   * Kills the notifying process (its whole thread group) through a pidfd opened while the
   * notification is valid: by SIGSYS, as the kernel's kill-process action would, when SIGSYS
   * would kill it (default disposition, not blocked by the thread); else by SIGKILL, which a
   * SIGSYS that is still waiting after a moment also gets. False when it was gone already.
   */
  kill(notification: Notification): boolean;
  /** The call runs as if no filter had notified (SECCOMP_USER_NOTIF_FLAG_CONTINUE). */
  continue(id: bigint): boolean;
  /** Whether the task still waits on this notification (SECCOMP_IOCTL_NOTIF_ID_VALID). */
  valid(id: bigint): boolean;
  /** A NUL-terminated string of the task's memory (at most 4096 bytes), or undefined when unreadable or no longer valid. */
  readString(notification: Notification, address: bigint): string | undefined;
  /** `length` bytes of the task's memory, or undefined when unreadable or no longer valid. */
  readBytes(notification: Notification, address: bigint, length: number): Uint8Array | undefined;
  /** Stops serving and closes the listener: calls waiting now, and later ones, fail with ENOSYS. */
  close(): void;
}

const PATH_MAX = 4096;
const utf8 = new TextDecoder();

const SIGKILL = 9;
const SIGSYS = 31;
const KILL_GRACE_MS = 200;

/** Whether SIGSYS would kill thread `tid`'s process: not caught, ignored or blocked (/proc status masks). */
function sigsysKills(tid: number): boolean {
  let status: string;
  try {
    status = readFileSync(`/proc/${tid}/status`, 'utf8');
  } catch {
    return false;
  }
  const bit = 1n << BigInt(SIGSYS - 1);
  return ['SigBlk', 'SigIgn', 'SigCgt'].every((mask) => {
    const found = new RegExp(`^${mask}:\\s+([0-9a-f]+)$`, 'm').exec(status);
    return found !== null && (BigInt(`0x${found[1]}`) & bit) === 0n;
  });
}

/** The process (thread group) of thread `tid`: a pidfd is opened on a process, not on a thread. */
export function threadGroup(tid: number): number | undefined {
  try {
    const found = /^Tgid:\s+(\d+)$/m.exec(readFileSync(`/proc/${tid}/status`, 'utf8'));
    return found === null ? undefined : Number(found[1]);
  } catch {
    return undefined; // the thread is gone
  }
}

function archName(audit: number): Arch | undefined {
  return ARCH_NAMES.find((arch) => ARCHES[arch].audit === audit);
}

/**
 * Opens a listener: a socketpair whose `socket` end the launcher sends the filter's listener fd
 * over (`SECCOMP_FILTER_FLAG_NEW_LISTENER`, SCM_RIGHTS), and a thread that hands each
 * notification to `onNotification` on the JavaScript thread. The thread does not keep the event
 * loop alive; while it waits for its answer, the notifying thread is blocked.
 */
export function openListener(onNotification: (notification: Notification) => void, options: ListenerOptions = {}): Listener {
  const [opened, socket]: [ListenerHandle, number] = callNative('opening a seccomp listener', () => native.listenerOpen((raw, error) => {
    // Called from the thread, never before this function returned. The closure holds `opened`:
    // the listener lives as long as its thread can deliver.
    if (raw === null) {
      isClosed = true;
      native.listenerClose(opened);
      try {
        options.onEnd?.(error);
      } catch (thrown) {
        queueMicrotask(() => { throw thrown; });
      }
      return;
    }
    const arch = archName(raw.arch);
    try {
      onNotification({ ...raw, syscall: arch === undefined ? undefined : syscalls.name(raw.nr, arch) });
    } catch (error) {
      // Out of the listener thread's callback an error cannot propagate: rethrown on its own, it
      // is an uncaught exception as anywhere else.
      queueMicrotask(() => { throw error; });
    }
  }));
  let isClosed = false;
  const closed = (): boolean => isClosed;
  const valid = (id: bigint): boolean => native.listenerValid(opened, id);
  const read = <T>(n: Notification, address: bigint, length: number, nul: boolean, wrap: (b: Uint8Array) => T): T | undefined => {
    if (closed()) return undefined;
    const bytes = native.readMemory(n.pid, address, length, nul);
    // Read first, then check: a valid id afterwards means the bytes were the waiting task's.
    return bytes === undefined || !valid(n.id) ? undefined : wrap(bytes);
  };
  return {
    socket,
    releaseSocket: () => native.listenerReleaseSocket(opened),
    deny: (id, errno) => !closed() && callNative('answering a seccomp notification', () => native.listenerDeny(opened, id, errno)),
    kill: (n) => {
      const tgid = threadGroup(n.pid);
      if (tgid === undefined || closed()) return false;
      const signal = sigsysKills(n.pid) ? SIGSYS : SIGKILL;
      const sent = callNative('killing a notifying task', () => native.listenerSignal(opened, n.id, tgid, signal));
      // Another thread may have changed SIGSYS's disposition meanwhile: the task must not wait forever.
      if (sent && signal === SIGSYS) {
        setTimeout(() => {
          if (!closed() && native.listenerValid(opened, n.id)) native.listenerSignal(opened, n.id, tgid, SIGKILL);
        }, KILL_GRACE_MS).unref();
      }
      return sent;
    },
    continue: (id) => !closed() && callNative('answering a seccomp notification', () => native.listenerContinue(opened, id)),
    valid,
    readString: (n, address) => read(n, address, PATH_MAX, true, (b) => utf8.decode(b)),
    readBytes: (n, address, length) => read(n, address, length, false, (b) => b),
    close: () => {
      isClosed = true;
      native.listenerClose(opened);
    },
  };
}

/**
 * Whether a started program can be supervised: the kernel has SECCOMP_RET_USER_NOTIF and this
 * process runs under no seccomp filter (a filter of ours may already carry a listener, and the
 * kernel refuses a second one in the same task: EBUSY).
 */
export function notifyAvailable(): boolean {
  const filtered = /^Seccomp:\s+2$/m.test(readFileSync('/proc/self/status', 'utf8'));
  return !filtered && callNative('asking for seccomp actions', () => native.actionAvailable(ACTION_VALUES.notify));
}
