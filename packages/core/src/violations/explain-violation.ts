import { argsHold, type Rule } from '@exile/seccomp';
import { suggestRule, vowsToAdd, type Vow } from '@exile/vows';
import { execRules, terminalRules } from '../plan/guard-rules.js';
import { noNetworkRules, tcpOnlyRules } from '../plan/net-rules.js';
import type { Violation } from './violation.js';

/** What the supervisor knows of the policy behind the filter. */
export interface ViolationContext {
  /** The vows the filter grants (with what starting a program needs); undefined: no vows. */
  granted: readonly Vow[] | undefined;
  /** The filter's leading rules: the network policy's, then the policy's `syscalls`. */
  rules: readonly Rule[];
  /** How many of `rules` come before the policy's `syscalls`: exile's guards and the network policy's. */
  netRules: number;
}

/** One call as the supervisor saw it, decoded. */
export interface BlockedCall {
  pid: number;
  command: string;
  syscall: string;
  args: readonly bigint[];
  /** Its key arguments as text, and the whole call (`socket(AF_INET, SOCK_STREAM)`). */
  shown: string[];
  text: string;
}

const names = (syscall: string | string[]): string[] => (typeof syscall === 'string' ? [syscall] : syscall);
const quote = (vows: readonly string[]): string => {
  const q = vows.map((vow) => `"${vow}"`);
  return q.length === 1 ? q[0]! : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]!}`;
};

type Call = Pick<BlockedCall, 'syscall' | 'args'>;

const matches = (rule: Rule, call: Call): boolean => names(rule.syscall).includes(call.syscall) && argsHold(rule.args ?? [], call.args);

/** The first of the filter's leading rules that matches the call: the one that refused it. */
function refusingRule(context: ViolationContext, call: Call): number | undefined {
  const at = context.rules.findIndex((rule) => matches(rule, call));
  return at < 0 ? undefined : at;
}

/** A socket --no-net refused that --connect would allow: one the TCP-only rules let through (an AF_INET/AF_INET6 TCP stream). */
const tcpSocket = (call: BlockedCall): boolean => call.syscall === 'socket' && !tcpOnlyRules.some((rule) => matches(rule, call));

/**
 * Who refused with one of exile's own leading rules, and what allows it (one fix for one cause:
 * every non-TCP socket under --no-net gets the same words, so the lines can be told apart as causes).
 */
function leadingRule(rule: Rule, call: BlockedCall): { by: Violation['by']; what: string; fix: string } {
  if (terminalRules.includes(rule)) {
    return { by: 'guard', what: "exile's terminal guard", fix: 'pushing input into a terminal is never allowed (TIOCSTI, TIOCLINUX)' };
  }
  if (execRules.includes(rule)) {
    return { by: 'guard', what: "exile's exec guard", fix: 'running a file Landlock never sees as a path (a memfd, fexecve) is never allowed where --rox limits execution' };
  }
  // io_uring is refused by both network policies: it could open sockets the socket() rules never see.
  if (noNetworkRules.includes(rule) && tcpOnlyRules.includes(rule)) {
    return { by: 'net', what: 'the network policy', fix: 'io_uring could open sockets unseen: drop --no-net, --connect and --bind ("net") to allow it' };
  }
  if (noNetworkRules.includes(rule)) {
    const what = 'the network policy (--no-net)';
    return tcpSocket(call)
      ? { by: 'net', what, fix: 'replace --no-net with --connect PORT to allow TCP to PORT only ("net": { "connect": [PORT] })' }
      : { by: 'net', what, fix: 'drop --no-net ("net": false) to allow it: only TCP can be limited to ports' };
  }
  return { by: 'net', what: 'the network policy (--connect/--bind: TCP only)', fix: 'drop --connect and --bind ("net") to allow it: exile limits TCP ports only' };
}

/** The calls that send a signal to a process or a thread, which `signalsItself` looks at. */
export const SIGNAL_CALLS: ReadonlySet<string> = new Set(['kill', 'tgkill']);

/**
 * Whether a refused signal is one the granted vows allow, to the caller itself ("stdio": kill or
 * tgkill of its own pid). The filter holds the pid of the program exile started, so a process
 * that program started in turn meets a refusal for signalling itself: Go's runtime preempts its
 * threads so (esbuild under npx), Python's `os.kill(os.getpid(), …)`. `pid`: the caller's pid as
 * it sees itself (in its own pid namespace). Pure.
 */
export function signalsItself(context: ViolationContext, syscall: string, args: readonly bigint[], pid: number | undefined): boolean {
  if (pid === undefined || context.granted === undefined || !SIGNAL_CALLS.has(syscall)) return false;
  if (refusingRule(context, { syscall, args }) !== undefined) return false;
  return vowsToAdd({ syscall, args, pid }, context.granted)?.length === 0;
}

/** Why `call` was refused and the smallest change that allows exactly it. Pure. */
export function explainViolation(context: ViolationContext, call: BlockedCall, action: { kill: true } | { errno: string }): Violation {
  const at = refusingRule(context, call);
  const base = { pid: call.pid, command: call.command, syscall: call.syscall, args: call.shown,
    ...('kill' in action ? { action: 'kill' as const } : { action: 'errno' as const, errno: action.errno }) };
  let by: Violation['by'];
  let fix: string;
  let what: string;
  let vows: Vow[] | undefined;
  let rule: number | undefined;
  if (at !== undefined && at < context.netRules) {
    ({ by, what, fix } = leadingRule(context.rules[at]!, call));
  } else if (at !== undefined) {
    by = 'syscalls';
    what = 'a syscalls rule';
    rule = at - context.netRules;
    fix = `syscalls[${rule}] refuses it; narrow or remove that rule to allow`;
  } else {
    by = 'vows';
    what = 'vows';
    const missing = vowsToAdd({ syscall: call.syscall, args: call.args, pid: call.pid }, context.granted ?? []);
    // [] would mean the vows allow it after all: only in a shape the filter cannot see (another process's pid).
    vows = missing?.length === 0 ? undefined : missing;
    fix = vows === undefined
      // The rule's JSON holds no quote of its own: one pair of single quotes makes it a shell word.
      ? `no vow allows it; add --syscall '${JSON.stringify(suggestRule({ syscall: call.syscall, args: call.args }))}' (a syscalls rule) to allow`
      : `add ${quote(vows)} to allow`;
  }
  return { ...base, vows, rule, by, fix, message: `exile: ${call.command}[${call.pid}]: ${call.text} blocked by ${what}; ${fix}\n` };
}
