import { loadAddon } from '@exile/common';

interface Native {
  /** landlock_create_ruleset(NULL, 0, flags): the value, or -errno. */
  query(flags: number): number;
}

export const native = loadAddon<Native>(import.meta.url);
