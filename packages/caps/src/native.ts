import { loadAddon } from '@exile/common';

/** The calling thread's capability state, as masks (bit n = capability n). */
export interface NativeCaps {
  capget(): { effective: bigint; permitted: bigint; inheritable: bigint };
  state(): { lastCap: number; bounding: bigint; ambient: bigint; securebits: number; noNewPrivs: boolean };
}

export const native = loadAddon<NativeCaps>(import.meta.url);
