import type { SentError } from './protocol.js';

/** What a launched function threw, as the child described it: untrusted, kept apart from exile's own errors. */
export type RemoteError = SentError;

const brand = Symbol.for('exile.ExileRemoteError');

/**
 * An error thrown by a launched function (`launch()`, `pool.run()`), re-thrown in the caller.
 * The original's `name`, `message`, `code` and `stack` are under `remote`; `message` is the
 * original message. It is never an `ExileError`, whatever `code` the function threw: only the
 * caller's own process decides exile's codes, so a function cannot pass for, say, an
 * `ERR_EXILE_UNSUPPORTED` refusal. `details` holds what the caller worked out about the error:
 * `details.denial` (`{ by, access, path, fix }`, as `explainDenial()`) when the policy explains an
 * EACCES/EPERM/EXDEV the function threw.
 */
export class ExileRemoteError extends Error {
  readonly remote: RemoteError;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(remote: SentError, details: Record<string, unknown> = {}) {
    super(remote.message);
    this.name = 'ExileRemoteError';
    this.remote = { ...remote };
    this.details = details;
    Object.defineProperty(this, brand, { value: true });
    // The function's frames, where it threw; the caller's own are of no use here.
    if (remote.stack !== undefined) {
      const frames = remote.stack.split('\n').filter((line) => /^\s+at /.test(line));
      this.stack = [`ExileRemoteError: ${remote.name}: ${remote.message}`, ...frames].join('\n');
    }
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}
