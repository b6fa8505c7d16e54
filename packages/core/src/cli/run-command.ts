import { ExileError } from '@exile/common';
import { prepareSpawn } from '../spawn/spawn.js';
import { EXIT, launchFailureStatus, programStatus } from './exit-status.js';
import { parseCommandLine } from './command-line.js';
import { optionHelp, type OptionSpec } from './options.js';
import { POLICY_OPTIONS, policyFromOptions } from './policy-flags.js';
import { renderReport } from './report.js';
import { ENV_OPTIONS, envFromOptions } from './env-flags.js';
import { armTimeout, TIMEOUT_OPTIONS, timeoutMs } from './timeout-flag.js';
import { SHARE_SESSION } from './session-flag.js';
import { UsageError } from './usage-error.js';

/** `exile run`'s options: its help, and the README's table (`pnpm --filter @exile/core readme`). */
export const RUN_OPTIONS: readonly OptionSpec[] = [
  ...POLICY_OPTIONS,
  ...ENV_OPTIONS,
  ...TIMEOUT_OPTIONS,
  SHARE_SESSION,
  { name: '--diagnose', help: 'also report what Landlock will deny, with the flag to add (slower: every call taking a path or port is checked)' },
  { name: '--report', help: 'print what is enforced to stderr before CMD starts', more: "never inside CMD's output; rights only a newer kernel has are `exile probe`'s news" },
  { name: '--json', help: 'with --report: print it as one line of JSON' },
  { name: '--help', help: 'show this help' },
];

export const RUN_USAGE = `usage: exile run [options] -- CMD [ARGS…]

Runs CMD in a sandbox built from the options (and --policy FILE): new namespaces, a file-system
view, no_new_privs and a seccomp filter, all set up before CMD starts, so every thread of CMD is
covered. Only options go before --: anything else there is a usage error.

exit status: CMD's own (128+N when killed by signal N); ${EXIT.timeout} when --timeout killed it; ${EXIT.setup} when the sandbox cannot be set up;
${EXIT.cannotExecute} when CMD is found but cannot be executed; ${EXIT.notFound} when CMD is not found; ${EXIT.usage} on a usage error.

options:
${optionHelp(RUN_OPTIONS)}`;

const FORWARDED = ['SIGTERM', 'SIGHUP'] as const;
/** In its own session CMD has no terminal: the keys that signal the foreground job reach us, and are passed on. */
const TERMINAL_SIGNALS = ['SIGINT', 'SIGQUIT'] as const;

/** `exile run [options] -- CMD ARGS…` */
export function runCommand(args: string[], out: (text: string) => void, err: (text: string) => void): number | Promise<number> {
  const line = parseCommandLine('run', RUN_OPTIONS, RUN_USAGE, args, out);
  if (line === undefined) return 0;
  const { parsed, command, args: commandArgs } = line;
  if (parsed.values.has('--json') && !parsed.values.has('--report')) throw new UsageError('exile run: --json goes with --report');
  // CMD must not outlive us: PDEATHSIG if we die, and the signals a supervisor sends are passed on.
  const timeout = timeoutMs('run', parsed);
  // A new session unless --share-session: a timed program needs one too, so its whole process group can be killed.
  const newSession = timeout !== undefined || !parsed.values.has(SHARE_SESSION.name);
  const diagnose = parsed.values.has('--diagnose');
  const options = { ...envFromOptions('run', parsed), stdio: 'inherit', dieWithParent: true, newSession, diagnose } as const;
  const pending = prepareSpawn(policyFromOptions('run', parsed), command, commandArgs, options);
  // Printed before CMD exists, so it never interleaves with CMD's own output.
  if (parsed.values.has('--report')) err(renderReport(pending.report, parsed.values.has('--json')));
  else if (diagnose) {
    const idle = pending.report.items.find((item) => item.what.startsWith('diagnose:') && !item.enforced);
    if (idle !== undefined) err(`exile: --diagnose: ${idle.detail ?? ''}\n`);
  }
  // Handlers go in before CMD exists: a signal sent once CMD runs must reach it, not kill us by
  // default. They run from the event loop, so never before `child` below is set.
  for (const signal of [...FORWARDED, ...(newSession ? TERMINAL_SIGNALS : [])]) process.on(signal, () => child.kill(signal));
  const child = pending.start();
  return new Promise((resolve) => {
    let failure: number | undefined;
    const disarm = timeout === undefined ? undefined : armTimeout(child, timeout, () => {
      failure = EXIT.timeout;
      err(`exile: --timeout: ${timeout / 1000} s passed, killing the sandbox\n`);
    });
    child.on('error', (error) => {
      failure = launchFailureStatus(error);
      err(`exile: ${error.message}${error instanceof ExileError ? ` [${error.code}]` : ''}\n`);
    });
    child.on('close', (code, signal) => {
      disarm?.();
      resolve(failure ?? programStatus(code, signal));
    });
  });
}
