import type { Vow } from './names.js';
import { parseWithModifiers } from './parse.js';
import { resolveOptions, type ResolvedOptions, type VowOptions } from './options.js';
import type { Action, Rule, SeccompPolicy } from './policy-types.js';
import { grantsOf, type Grant } from './grant.js';
import { ALWAYS_ALLOWED, ENOSYS_SYSCALLS, SECCOMP_INSTALL_RULES } from './table.js';
import { NODE_RUNTIME, SIGSYS_GUARD, type RuntimeEntry } from './runtime-node.js';
import { PROGRAM_RUNTIME } from './runtime-program.js';
import { eq } from './checks.js';

/** seccompPolicy() options: VowOptions plus the pid that "signals to self only" refers to. */
export interface SeccompPolicyOptions extends VowOptions {
  /** Default: this process. */
  pid?: number;
}

/** The handler's own needs when violations trap: the report line on fd 2 and the return path. */
const REPORTER_RULES: Rule[] = [
  { syscall: 'write', action: 'allow', args: [eq(0, 2)] },
  { syscall: 'rt_sigreturn', action: 'allow' },
];


/** The default action for a penalty: TRAP (to the reporter, data = errno or 0 for kill) or a plain kill/errno. */
export function penaltyAction(options: ResolvedOptions): Action {
  if (options.report) return { trap: options.penalty === 'kill' ? 0 : options.errno };
  return options.penalty === 'kill' ? 'kill-process' : { errno: options.errno };
}

function key(grant: Grant): string {
  return JSON.stringify(grant.args, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** Merges checked shapes with identical checks and drops those whose syscall is allowed outright. */
function allowRules(plain: Set<string>, checked: Grant[]): Rule[] {
  const byArgs = new Map<string, Grant>();
  for (const grant of checked) {
    const syscalls = grant.syscalls.filter((name) => !plain.has(name));
    if (syscalls.length === 0) continue;
    const k = key(grant);
    const seen = byArgs.get(k);
    if (seen === undefined) byArgs.set(k, { syscalls: [...syscalls], args: grant.args });
    else for (const name of syscalls) if (!seen.syscalls.includes(name)) seen.syscalls.push(name);
  }
  const rules: Rule[] = [];
  if (plain.size > 0) rules.push({ syscall: [...plain].sort(), action: 'allow' });
  for (const grant of byArgs.values()) rules.push({ syscall: grant.syscalls, action: 'allow', args: grant.args });
  return rules;
}

/** What each `runtime` option adds to the vows. */
const RUNTIMES: Readonly<Record<ResolvedOptions['runtime'], readonly RuntimeEntry[]>> = { node: NODE_RUNTIME, program: PROGRAM_RUNTIME, none: [] };

/** The policy for already-parsed vows and resolved options. */
export function seccompPolicyParsed(vows: readonly Vow[], options: ResolvedOptions, pid: number): SeccompPolicy {
  const { plain, checked } = grantsOf(vows, pid);
  const errnoRules: Rule[] = [];
  for (const entry of RUNTIMES[options.runtime]) {
    const syscalls = typeof entry.syscall === 'string' ? [entry.syscall] : [...entry.syscall];
    if (entry.action !== undefined) errnoRules.push({ syscall: syscalls, action: entry.action, args: [...(entry.args ?? [])] });
    else if (entry.args === undefined) syscalls.forEach((name) => plain.add(name));
    else checked.push({ syscalls, args: [...entry.args] });
  }
  for (const name of ALWAYS_ALLOWED) plain.add(name);
  for (const rule of SECCOMP_INSTALL_RULES) checked.push({ syscalls: [rule.syscall as string], args: [...(rule.args ?? [])] });
  const trapping = options.report;
  // libuv's spawn resets every handler (SIGSYS too) in the forked child before exec, so processes that
  // may fork keep rt_sigaction(SIGSYS) open; a replaced handler can only turn kills into error returns.
  const guard = trapping && !vows.includes('proc') && !vows.includes('clone');
  return {
    defaultAction: penaltyAction(options),
    badArchAction: 'kill-process',
    unknownSyscalls: 'ignore',
    // The caller's rules come first, so their indexes in errors are the caller's own.
    rules: [
      ...options.rules,
      ...(guard ? [{ ...SIGSYS_GUARD, action: { errno: 'EPERM' } } satisfies Rule] : []),
      { syscall: [...ENOSYS_SYSCALLS], action: { errno: 'ENOSYS' } },
      ...allowRules(plain, checked),
      ...(trapping ? REPORTER_RULES : []),
      ...errnoRules,
    ],
  };
}

/**
 * Compiles vows (`"stdio rpath inet"` or a list) to a `@exile/seccomp` policy: rules tried in
 * order (`options.rules` first), the first match decides, everything else gets the penalty. Pure: installs nothing.
 * Unknown or empty vows throw `ERR_EXILE_UNKNOWN_VOW`; bad options `ERR_EXILE_INVALID_POLICY`.
 */
export function seccompPolicy(vows: string | readonly string[], options?: SeccompPolicyOptions): SeccompPolicy {
  const parsed = parseWithModifiers(vows);
  const resolved = resolveOptions(options, parsed.error);
  return seccompPolicyParsed(parsed.vows, resolved, options?.pid ?? process.pid);
}
