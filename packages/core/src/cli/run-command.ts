import { constants } from 'node:os';
import { ExileError } from '@exile/common';
import { spawn } from '../spawn/spawn.js';
import { optionHelp, parseOptions, type OptionSpec } from './options.js';
import { POLICY_OPTIONS, policyFromOptions } from './policy-flags.js';
import { UsageError } from './usage-error.js';

const OPTIONS: readonly OptionSpec[] = [
  ...POLICY_OPTIONS,
  { name: '--report', help: 'print what is enforced to stderr before starting CMD' },
  { name: '--help', help: 'show this help' },
];

export const RUN_USAGE = `usage: exile run [options] -- CMD [ARGS…]

Runs CMD in a sandbox built from the options (and --policy FILE): new namespaces, a file-system
view, no_new_privs and a seccomp filter, all set up before CMD starts, so every thread of CMD is
covered. Exits with CMD's status (128+N when CMD is killed by signal N), 125 when the sandbox
cannot be set up, 2 on a usage error.

options:
${optionHelp(OPTIONS)}`;

const FORWARDED = ['SIGTERM', 'SIGHUP'] as const;

/** Exit status for a sandbox that could not be set up (as env(1), timeout(1) use 125). */
export const SETUP_ERROR = 125;

/** `exile run [options] -- CMD ARGS…` */
export function runCommand(args: string[], out: (text: string) => void, err: (text: string) => void): number | Promise<number> {
  const parsed = parseOptions('run', OPTIONS, args);
  if (parsed.values.has('--help')) {
    out(RUN_USAGE);
    return 0;
  }
  const [command, ...commandArgs] = parsed.rest;
  if (command === undefined) throw new UsageError('exile run: missing CMD (put it after --)');
  // CMD must not outlive us: PDEATHSIG if we die, and the signals a supervisor sends are passed on.
  const child = spawn(policyFromOptions('run', parsed), command, commandArgs, { stdio: 'inherit', dieWithParent: true });
  for (const signal of FORWARDED) process.on(signal, () => child.kill(signal));
  if (parsed.values.has('--report')) {
    for (const i of child.report.items) err(`exile: ${i.enforced ? 'enforced' : 'NOT enforced'}: ${i.what} [${i.mechanism}]${i.detail ? ` ${i.detail}` : ''}\n`);
  }
  return new Promise((resolve) => {
    let failed = false;
    child.on('error', (error) => {
      failed = true;
      err(`exile: ${error.message}${error instanceof ExileError ? ` [${error.code}]` : ''}\n`);
    });
    child.on('close', (code, signal) => {
      if (failed) resolve(SETUP_ERROR);
      else if (signal !== null) resolve(128 + (constants.signals[signal] ?? 0));
      else resolve(code ?? SETUP_ERROR);
    });
  });
}
