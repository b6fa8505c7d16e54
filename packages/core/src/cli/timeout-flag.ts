import type { ChildProcess } from 'node:child_process';
import type { OptionSpec, ParsedOptions } from './options.js';
import { UsageError } from './usage-error.js';
import { EXIT } from './exit-status.js';

export const TIMEOUT_OPTIONS: readonly OptionSpec[] = [
  { name: '--timeout', value: 'SECONDS', help: `kill the sandbox after SECONDS (exit status ${EXIT.timeout})`,
    more: 'CMD runs in a new session, and its whole process group is killed' },
];

/** The --timeout in milliseconds, if given. */
export function timeoutMs(command: string, parsed: ParsedOptions): number | undefined {
  const text = parsed.values.get('--timeout')?.[0];
  if (text === undefined) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  // setTimeout's limit is 2^31-1 ms.
  if (!(seconds > 0 && seconds * 1000 < 2 ** 31)) throw new UsageError(`exile ${command}: --timeout needs a number of seconds > 0, got "${text}"`);
  return seconds * 1000;
}

/**
 * Kills the sandbox when `ms` run out: its whole process group when the program leads one (a
 * new session), else the program. Calls `expired` first; returns the function that disarms it.
 */
export function armTimeout(child: ChildProcess, ms: number, expired: () => void): () => void {
  const timer = setTimeout(() => {
    expired();
    const pid = child.pid;
    try {
      if (pid !== undefined) process.kill(-pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, ms);
  return () => clearTimeout(timer);
}
