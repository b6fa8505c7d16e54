import { loadAddon } from '@exile/common';

/** Raw snapshot from native/probe.cc: numbers are values, or -errno. */
export interface RawProbe {
  uname: { release: string; machine: string };
  seccompMode: number;
  /** -EFAULT means the TSYNC flag is known (nothing was installed). */
  seccompTsync: number;
  /** 0 when a child could unshare(CLONE_NEWUSER), else -errno; absent when not asked. */
  userNamespace?: number;
}

interface Native {
  probe(tryUserNamespace: boolean): RawProbe;
}

export const native = loadAddon<Native>(import.meta.url);
