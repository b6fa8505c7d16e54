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
  /** /dev/kmsg opened non-blocking and seeked to its end: the fd, or -errno. */
  kernelLogAtEnd(): number;
}

export const native = loadAddon<Native>(import.meta.url);
