import { closeSync, existsSync, openSync, unlinkSync, writeFileSync } from 'node:fs';
import { ErrorCodes, ExileError } from '@exile/common';
import { learn } from '../learn/learn.js';
import { ociProfile } from '../learn/oci.js';
import { loadPolicy } from '../policy/load.js';
import type { Policy } from '../policy/types.js';
import { parseCommandLine } from './command-line.js';
import { optionHelp, type OptionSpec } from './options.js';
import { POLICY_OPTIONS, policyFromOptions } from './policy-flags.js';
import { UsageError } from './usage-error.js';
import { refusedByDesign, verifyRun } from './learn-verify.js';
import { programStatus } from './exit-status.js';

const FORMATS = ['policy', 'flags', 'oci'] as const;
type Format = (typeof FORMATS)[number];

const OPTIONS: readonly OptionSpec[] = [
  ...POLICY_OPTIONS,
  { name: '--out', value: 'FILE', help: 'write the result to FILE (default: standard output)' },
  { name: '--merge', value: 'FILE', help: 'union with an earlier result (a policy file): several runs, one policy' },
  { name: '--format', value: 'policy|flags|oci', help: 'a JSON policy (default), the `exile run` command line, or an OCI seccomp profile' },
  { name: '--verify', help: 'run CMD again under the learned policy, enforced; name what it denies (paths, ports, vows), exit 1' },
  { name: '--help', help: 'show this help' },
];

export const LEARN_USAGE = `usage: exile learn [run options] [--out FILE] [--merge FILE] [--format policy|flags|oci] [--verify] -- CMD [ARGS…]

Runs CMD once and writes the tightest policy that lets that run work: the files it read, wrote
and ran (generalised as a person would: system library and tool trees whole, never / or a home
directory), the TCP ports it used, the smallest set of vows covering its system calls, and
syscalls rules for what no vow allows. Every process and thread CMD starts is recorded, without
privileges (seccomp user notification).

Learning is not a sandbox: while learning, only the run options given here are enforced. Run it
on trusted input only, then check the result with --verify or exile run --policy.

--verify runs CMD a second time under the learned policy, enforced, and names every path or port
it tried beyond the policy with the flag that would allow it, and every call the vows refused with
the vow (or syscalls rule) to add. What a warning said the policy refuses (a netlink socket under
"net": false, listing /) is named "as learned" and is no failure if CMD ends as it did.

Ctrl-C stops CMD and still writes what was learned so far. Exits with CMD's status (with --verify:
1 when the learned policy denied anything else, or CMD ended otherwise), 125 when nothing could be
learned, 2 on a usage error.

options:
${optionHelp(OPTIONS)}`;

/** Fails before anything runs when the result could not be written (opening tells, where access() would lie to root). */
function checkWritable(file: string): void {
  const existed = existsSync(file);
  try {
    closeSync(openSync(file, 'a'));
    if (!existed) unlinkSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new ExileError(ErrorCodes.SYSCALL, `cannot write --out ${file}: ${code}`, { syscall: 'open', errno: code, path: file });
  }
}

function render(format: Format, policy: Policy, flags: string): string {
  if (format === 'flags') return `${flags}\n`;
  return `${JSON.stringify(format === 'oci' ? ociProfile(policy) : policy, null, 2)}\n`;
}

/** `exile learn [run options] [--out FILE] [--merge FILE] [--format …] [--verify] -- CMD ARGS…` */
export async function learnCommand(args: string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const line = parseCommandLine('learn', OPTIONS, LEARN_USAGE, args, out);
  if (line === undefined) return 0;
  const { parsed, command, args: commandArgs } = line;
  const format = parsed.values.get('--format')?.[0] ?? 'policy';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`exile learn: --format must be one of ${FORMATS.join(', ')}, got "${format}"`);
  const outFile = parsed.values.get('--out')?.[0];
  if (outFile !== undefined) checkWritable(outFile);
  const mergeFile = parsed.values.get('--merge')?.[0];
  const merge = mergeFile === undefined ? undefined : loadPolicy(mergeFile);
  const base = policyFromOptions('learn', parsed);
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  let result;
  try {
    result = await learn({ command, args: commandArgs }, { policy: base, merge, signal: controller.signal, stdio: 'inherit', dieWithParent: true });
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
  for (const warning of result.warnings) err(`exile learn: warning: ${warning}\n`);
  const text = render(format as Format, result.policy, result.flags);
  if (outFile === undefined) out(text);
  else {
    writeFileSync(outFile, text);
    err(`exile learn: wrote ${outFile}${controller.signal.aborted ? ' (interrupted: what was learned so far)' : ''}\n`);
  }
  const status = programStatus(result.exitCode, result.exitSignal);
  if (!parsed.values.has('--verify') || controller.signal.aborted) return status;
  // The same run, enforced by the learned policy: what it tried beyond the policy is named.
  const check = await verifyRun(result.policy, command, commandArgs, refusedByDesign(result.policy, result.observed));
  const gaps = check.gaps;
  for (const refused of check.asLearned) err(`exile learn: --verify: ${command}: ${refused} (as learned: see the warning above)\n`);
  for (const gap of gaps) err(`exile learn: --verify: ${command}: ${gap}\n`);
  const verified = programStatus(check.code, check.signal);
  if (verified !== status) err(`exile learn: --verify: ${command} exited ${verified} under the learned policy, ${status} while learning\n`);
  return gaps.length === 0 && verified === status ? status : 1;
}
