// The engine's report as the addon returns it, and its decoding (no addon needed: unit-testable).

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
  /** Per thread INT_FIELDS int32s: tid, status, round, state, flags, statErrno, sendErrno, ran, errnos[8]. */
  ints: Int32Array;
  /** Per thread: starttime, inode. */
  wide: BigUint64Array;
}

/** int32s per thread in `NativeReport.ints`. */
export const INT_FIELDS = 16;

/** Unpacks the engine's flat per-thread arrays. */
export function nativeThreads(raw: Pick<NativeReport, 'ints' | 'wide'>): NativeThread[] {
  const threads: NativeThread[] = [];
  const { ints, wide } = raw;
  for (let i = 0, at = 0; at < ints.length; i++, at += INT_FIELDS) {
    const ran = ints[at + 7]!;
    threads.push({
      tid: ints[at]!, status: ints[at + 1]!, round: ints[at + 2]!, state: ints[at + 3]!, flags: ints[at + 4]!,
      statErrno: ints[at + 5]!, sendErrno: ints[at + 6]!, errnos: [...ints.subarray(at + 8, at + 8 + ran)],
      starttime: wide[i * 2]!, ino: wide[i * 2 + 1]!,
    });
  }
  return threads;
}
