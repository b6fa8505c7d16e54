import { loadAddon } from '@exile/common';
import type { NativeReport } from './raw.js';

interface Native {
  broadcast(ops: BigInt64Array, timeoutMs: number): NativeReport;
  gettid(): number;
  engine(): string;
}

export const native = loadAddon<Native>(import.meta.url);
