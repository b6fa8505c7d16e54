import { ErrorCodes, ExileError, errnoName, errnoNumber } from '@exile/common';

/** How vows are enforced. */
export interface VowOptions {
  /** `kill` (default): the process dies with SIGSYS. `errno`: the call fails with `errno`. */
  penalty?: 'kill' | 'errno';
  /** The errno of the `errno` penalty, by name (default `'EPERM'`; `'ENOSYS'` with the `error` token). */
  errno?: string;
  /** Write one line to stderr per violation (`kill`) or per distinct violating syscall (`errno`). Default true. */
  report?: boolean;
  /** `node` (default) adds what the Node runtime itself needs; `none` is pure pledge semantics. */
  runtime?: 'node' | 'none';
}

/** Options with every default applied and the errno resolved. */
export interface ResolvedOptions {
  penalty: 'kill' | 'errno';
  errno: number;
  errnoName: string;
  report: boolean;
  runtime: 'node' | 'none';
}

function bad(path: string, message: string, value: unknown): ExileError {
  return new ExileError(ErrorCodes.INVALID_POLICY, `${path}: ${message}`, { path, value });
}

/** Validates options (`errorToken`: the vow string carried OpenBSD's `error`). */
export function resolveOptions(options: VowOptions | undefined, errorToken: boolean): ResolvedOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw bad('$', 'options must be an object', options);
  const o = options ?? {};
  const penalty = o.penalty ?? (errorToken ? 'errno' : 'kill');
  if (penalty !== 'kill' && penalty !== 'errno') throw bad('$.penalty', 'must be "kill" or "errno"', penalty);
  const runtime = o.runtime ?? 'node';
  if (runtime !== 'node' && runtime !== 'none') throw bad('$.runtime', 'must be "node" or "none"', runtime);
  const report = o.report ?? true;
  if (typeof report !== 'boolean') throw bad('$.report', 'must be a boolean', report);
  const name = o.errno ?? (errorToken ? 'ENOSYS' : 'EPERM');
  const errno = typeof name === 'string' ? errnoNumber(name) : undefined;
  if (errno === undefined || errno === 0) throw bad('$.errno', `unknown errno name ${JSON.stringify(name)}`, name);
  return { penalty, errno, errnoName: errnoName(errno), report, runtime };
}
