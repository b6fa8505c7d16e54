import { errnoName } from './errno.js';

/**
 * Stable error codes. Programs branch on `code`, never on `message`.
 */
export const ErrorCodes = {
  /** The policy (or any option object) is malformed; `details.path` is the JSON path of the bad part. */
  INVALID_POLICY: 'ERR_EXILE_INVALID_POLICY',
  /** A vow name is unknown; `details.token` names it. */
  UNKNOWN_VOW: 'ERR_EXILE_UNKNOWN_VOW',
  /** A syscall name is unknown for the target architecture. */
  UNKNOWN_SYSCALL: 'ERR_EXILE_UNKNOWN_SYSCALL',
  /** The kernel or process cannot enforce something that was asked for in strict mode. */
  UNSUPPORTED: 'ERR_EXILE_UNSUPPORTED',
  /** A per-thread broadcast did not reach every thread; `details.report` says which. */
  THREADS: 'ERR_EXILE_THREADS',
  /** An io_uring SQPOLL ring exists; it would bypass Landlock. */
  IO_URING: 'ERR_EXILE_IO_URING',
  /** A launched child broke its policy. */
  VIOLATION: 'ERR_EXILE_VIOLATION',
  /** A syscall failed; `details.syscall` and `details.errno` say which and why. */
  SYSCALL: 'ERR_EXILE_SYSCALL',
  /** A native binary for this platform is missing and could not be built. */
  NATIVE: 'ERR_EXILE_NATIVE',
  /** A sandboxed child could not be set up; `details.step` names the failing step. */
  LAUNCH: 'ERR_EXILE_LAUNCH',
  /** An operation did not finish in time. */
  TIMEOUT: 'ERR_EXILE_TIMEOUT',
  /** An operation was aborted by the caller. */
  ABORTED: 'ERR_EXILE_ABORTED',
  /** Every worker of a pool is busy and `maxQueue` calls already wait. */
  POOL_FULL: 'ERR_EXILE_POOL_FULL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

const brand = Symbol.for('exile.ExileError');

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * The one error class of every exile package. `code` is stable; `details` carries
 * machine-readable context (JSON path, errno, thread report, ...).
 *
 * `instanceof ExileError` also holds across duplicated copies of this package,
 * because the check uses a global symbol brand.
 */
export class ExileError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExileError';
    this.code = code;
    this.details = details;
    Object.defineProperty(this, brand, { value: true });
  }

  /** `JSON.stringify(error)` works even when `details` holds bigints (thread start times, masks). */
  toJSON(): { name: string; code: ErrorCode; message: string; details: unknown } {
    return { name: this.name, code: this.code, message: this.message, details: JSON.parse(JSON.stringify(this.details, jsonSafe)) };
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

/**
 * JSON paths, one style in every package's `details.path`: `$` is the value a function checks (a
 * policy, a Landlock spec, an options object, a list of ops), `.name` one of its properties, `[2]`
 * an index, `["a b"]` a key that is not an identifier: `$.fs.read[0]`, `$.rules[2].args[0].width`,
 * `$[1].op`. A function's other arguments are named by their parameter name instead of `$` (`arch`,
 * `args[1]`, `opts.timeoutMs`).
 */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `base` with one more step: `jsonPath('$.fs', 'read')` is `$.fs.read`, `jsonPath('$.fs.read', 0)` `$.fs.read[0]`. */
export function jsonPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return IDENTIFIER.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

export interface InvalidOptions {
  /** Default `ERR_EXILE_INVALID_POLICY`. */
  code?: ErrorCode;
  /** What was being read, first in the message: `invalid policy`, `landlock spec`. */
  context?: string;
  cause?: unknown;
}

/**
 * The error for a bad part of an input, in every package: the message is `[context: ]path: problem`
 * and `details` has `path` (see `jsonPath`) and `problem` (the message without the path) beside `details`.
 */
export function invalid(path: string, problem: string, details: Record<string, unknown> = {}, options: InvalidOptions = {}): ExileError {
  const message = `${options.context === undefined ? '' : `${options.context}: `}${path}: ${problem}`;
  return new ExileError(options.code ?? ErrorCodes.INVALID_POLICY, message, { ...details, path, problem },
    options.cause === undefined ? undefined : { cause: options.cause });
}

/**
 * An `invalid()` error of a part seen from what holds it: `@exile/seccomp`'s `$.rules[2].syscall`
 * is a policy's `$.syscalls[2].syscall` with `reroot(error, '$.rules', '$.syscalls', …)`. Any other
 * error (no path, or one outside `from`) is returned as it is.
 */
export function reroot(error: unknown, from: string, to: string, options: { context?: string; details?: Record<string, unknown> } = {}): unknown {
  if (!(error instanceof ExileError)) return error;
  const { path, problem } = error.details;
  if (typeof path !== 'string' || typeof problem !== 'string') return error;
  if (path !== from && !path.startsWith(`${from}.`) && !path.startsWith(`${from}[`)) return error;
  return invalid(`${to}${path.slice(from.length)}`, problem, { ...error.details, ...options.details },
    { code: error.code, ...(options.context === undefined ? {} : { context: options.context }), cause: error });
}

/** Shape of the plain errors thrown by the native addons (see include/exile/napi.h). */
interface NativeErrno {
  errno: number;
  syscall: string;
}

function isNativeErrno(value: unknown): value is NativeErrno {
  return value instanceof Error && typeof (value as Partial<NativeErrno>).errno === 'number'
    && typeof (value as Partial<NativeErrno>).syscall === 'string';
}

/**
 * Runs a native call and turns its errno error into an `ExileError` (`ERR_EXILE_SYSCALL`)
 * that names the syscall, the errno name and what we were doing.
 */
export function callNative<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isNativeErrno(error)) {
      const name = errnoName(error.errno);
      throw new ExileError(ErrorCodes.SYSCALL, `${what}: ${error.syscall} failed with ${name}`,
        { syscall: error.syscall, errno: error.errno, errnoName: name }, { cause: error });
    }
    throw error;
  }
}
