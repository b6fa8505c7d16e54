import { loadAddon } from '@exile/common';

/** One thread as the engine reports it (see native/engine/abi.h). */
export interface NativeThread {
  tid: number;
  status: number;
  round: number;
  state: number;
  starttime: bigint;
  ino: bigint;
  flags: number;
  statErrno: number;
  sendErrno: number;
  /** errno of each op that ran, in order; the last may be non-zero (it stopped the rest). */
  errnos: number[];
}

export interface NativeReport {
  result: number;
  rounds: number;
  callerTid: number;
  error: number;
  errorStep: string | null;
  timedOut: boolean;
  handlerRestored: boolean;
  elapsedNs: number;
  engine: string;
  threads: NativeThread[];
}

interface Native {
  broadcast(ops: BigInt64Array, timeoutMs: number): NativeReport;
  gettid(): number;
  engine(): string;
}

export const native = loadAddon<Native>(import.meta.url);
