import { ErrorCodes, errnoName, errnoNumber, invalid, ownData } from '@exile/common';
import { syscalls } from '@exile/seccomp';
import { VOW_ARCHES, type Rule } from './policy-types.js';

/** How vows are enforced. */
export interface VowOptions {
  /** `kill` (default): the process dies with SIGSYS. `errno`: the call fails with `errno`. */
  penalty?: 'kill' | 'errno';
  /** The errno of the `errno` penalty, by name (default `'EPERM'`; `'ENOSYS'` with the `error` token). */
  errno?: string;
  /** Write one line to stderr per violation (`kill`) or per distinct violating syscall (`errno`). Default true. */
  report?: boolean;
  /**
   * `node` (default) adds what the Node runtime itself needs; `program` what any program started
   * under the vows needs (threads, start-up queries: `PROGRAM_RUNTIME`); `none` is pure pledge semantics.
   */
  runtime?: 'node' | 'program' | 'none';
  /**
   * Extra `@exile/seccomp` rules, tried before every vow rule in the same filter: they can widen
   * (`action: 'allow'`) as well as narrow (`{ errno: 'EPERM' }`, `'kill-process'`). Checked when
   * the filter is compiled; errors name the index in this array (`$.rules[N].syscall`, `$.rules[N].action`).
   */
  rules?: readonly Rule[];
}

/** Options with every default applied and the errno resolved. */
export interface ResolvedOptions {
  penalty: 'kill' | 'errno';
  errno: number;
  errnoName: string;
  report: boolean;
  runtime: 'node' | 'program' | 'none';
  rules: readonly Rule[];
}

/**
 * The vow filter skips names an architecture lacks (`open` on aarch64), so a misspelt name in
 * the caller's rules would vanish silently: refuse names neither supported architecture knows.
 * The rest of each rule is checked by @exile/seccomp when the filter is compiled.
 */
function checkRuleNames(rules: readonly Rule[]): void {
  rules.forEach((rule, i) => {
    const names: unknown[] = Array.isArray(rule?.syscall) ? rule.syscall : [rule?.syscall];
    names.forEach((name, j) => {
      const path = `$.rules[${i}].syscall${Array.isArray(rule.syscall) ? `[${j}]` : ''}`;
      if (typeof name !== 'string' || VOW_ARCHES.every((arch) => syscalls.number(name, arch) === undefined)) {
        throw invalid(path, `unknown syscall ${JSON.stringify(name)}`, { syscall: name }, { code: ErrorCodes.UNKNOWN_SYSCALL });
      }
    });
  });
}

/** Validates options (`errorToken`: the vow string carried OpenBSD's `error`). */
export function resolveOptions(options: VowOptions | undefined, errorToken: boolean): ResolvedOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw invalid('$', 'must be an object', { value: options });
  const o = ownData(options ?? {});
  const penalty = o.penalty ?? (errorToken ? 'errno' : 'kill');
  if (penalty !== 'kill' && penalty !== 'errno') throw invalid('$.penalty', 'must be "kill" or "errno"', { value: penalty });
  const runtime = o.runtime ?? 'node';
  if (runtime !== 'node' && runtime !== 'program' && runtime !== 'none') throw invalid('$.runtime', 'must be "node", "program" or "none"', { value: runtime });
  const report = o.report ?? true;
  if (typeof report !== 'boolean') throw invalid('$.report', 'must be a boolean', { value: report });
  const rules = o.rules ?? [];
  if (!Array.isArray(rules)) throw invalid('$.rules', 'must be an array of @exile/seccomp rules', { value: rules });
  checkRuleNames(rules);
  const name = o.errno ?? (errorToken ? 'ENOSYS' : 'EPERM');
  const errno = typeof name === 'string' ? errnoNumber(name) : undefined;
  if (errno === undefined || errno === 0) throw invalid('$.errno', `unknown errno name ${JSON.stringify(name)}`, { value: name });
  return { penalty, errno, errnoName: errnoName(errno), report, runtime, rules };
}
