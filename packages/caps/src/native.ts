import { loadAddon } from '@exile/common';

interface Native {
  capget(): { effective: bigint; permitted: bigint; inheritable: bigint };
}

export const native = loadAddon<Native>(import.meta.url);
