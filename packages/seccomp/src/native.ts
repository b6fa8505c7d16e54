import { loadAddon } from '@exile/common';

interface Native {
  actionAvailable(value: number): boolean;
}

export const native = loadAddon<Native>(import.meta.url);
