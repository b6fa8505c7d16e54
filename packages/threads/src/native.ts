import { ErrorCodes, ExileError, loadAddon } from '@exile/common';
import type { NativeReport } from './raw.js';

interface Native {
  broadcast(ops: BigInt64Array, timeoutMs: number): NativeReport;
  gettid(): number;
  engine(): string;
  ioUringFds(): number[] | null;
}

let native: Native | undefined;

/**
 * The engine's addon, loaded on first use rather than at import: @exile/landlock and @exile/caps
 * import this package, and must still load where the engine is not built (only their every-thread
 * operations need it). Throws ERR_EXILE_UNSUPPORTED naming `what`, before anything is applied.
 */
export function engine(what: string): Native {
  if (native !== undefined) return native;
  try {
    native = loadAddon<Native>(import.meta.url);
  } catch (error) {
    throw new ExileError(ErrorCodes.UNSUPPORTED,
      `${what} needs @exile/threads' engine to reach every thread, and it is not available on ${process.platform}-${process.arch} `
      + `(${(error as Error).message}); nothing was applied`,
      { what: 'threads-engine', platform: process.platform, arch: process.arch }, { cause: error });
  }
  return native;
}

/** Throws ERR_EXILE_UNSUPPORTED, saying `what` needs it, unless the engine loads: for callers that
 *  must know before they prepare anything (a Landlock ruleset fd, say). */
export function requireEngine(what: string): void {
  engine(what);
}

/** The addon if a broadcast or `requireEngine()` loaded it already; never loads it. */
export function loadedEngine(): Native | undefined {
  return native;
}
