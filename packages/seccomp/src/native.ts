import { loadAddon } from '@exile/common';

interface Native {
  actionAvailable(value: number): boolean;
  /** Sets no_new_privs, then seccomp(SECCOMP_SET_MODE_FILTER, flags); returns 0 or a TSYNC-blocking tid. */
  install(instructions: Uint8Array, flags: number): number;
}

export const native = loadAddon<Native>(import.meta.url);
