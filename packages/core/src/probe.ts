import { readdirSync } from 'node:fs';
import { constants } from 'node:os';
import { ErrorCodes, ExileError, errnoName } from '@exile/common';
import { availableActions, type ActionName } from '@exile/seccomp';
import { abi } from '@exile/landlock';
import { read as readCaps } from '@exile/caps';
import { ioUring } from '@exile/threads';
import type { Features } from './features.js';
import { native } from './native.js';

const userNamespaceReasons: Record<string, string> = {
  EPERM: 'not permitted (a security module, a sysctl such as kernel.unprivileged_userns_clone, or a seccomp filter forbids it)',
  ENOSPC: 'user.max_user_namespaces is 0 or exhausted',
  EINVAL: 'the kernel refused CLONE_NEWUSER (built without user namespaces?)',
  EUSERS: 'nesting limit of user namespaces reached',
};

function userNamespaces(result: number | undefined): Features['userNamespaces'] {
  if (result === undefined) return { available: false, reason: 'not probed: probe({ userNamespaces: false })' };
  if (result === 0) return { available: true };
  const name = errnoName(-result);
  return { available: false, reason: `${name}: ${userNamespaceReasons[name] ?? 'unshare(CLONE_NEWUSER) failed'}` };
}

/** The actions this kernel supports; none when it cannot even be asked (no seccomp, or pre-4.14). */
function seccompActions(): ActionName[] {
  try {
    return availableActions();
  } catch (error) {
    if (error instanceof ExileError && error.code === ErrorCodes.SYSCALL) return [];
    throw error;
  }
}

/** Options of `probe()`. */
export interface ProbeOptions {
  /**
   * Decide user namespaces by starting a child that tries `unshare(CLONE_NEWUSER)` (default true).
   * The child is most of the probe's cost; in-process sandboxing never needs the answer, so
   * `enable()` passes false and the result says "not probed".
   */
  userNamespaces?: boolean;
}

/**
 * Snapshots what this kernel and this process can do: Landlock ABI, seccomp actions and TSYNC,
 * whether user namespaces can really be created (tried in a child), no_new_privs, effective
 * capabilities, thread count and io_uring rings. Changes nothing.
 */
export function probe(options: ProbeOptions = {}): Features {
  const raw = native.probe(options.userNamespaces ?? true);
  const actions = seccompActions();
  const caps = readCaps();
  return {
    arch: raw.uname.machine,
    kernel: raw.uname.release,
    landlock: abi(),
    seccomp: {
      available: raw.seccompMode >= 0 && actions.length > 0,
      mode: Math.max(raw.seccompMode, 0),
      actions,
      tsync: raw.seccompTsync === -constants.errno.EFAULT,
    },
    userNamespaces: userNamespaces(raw.userNamespace),
    noNewPrivs: caps.noNewPrivs,
    capabilities: { effective: caps.effective },
    threads: readdirSync('/proc/self/task').length,
    ioUring: ioUring(),
  };
}
