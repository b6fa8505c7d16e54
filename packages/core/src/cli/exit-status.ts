import { statSync } from 'node:fs';
import { constants } from 'node:os';
import { ExileError } from '@exile/common';

/**
 * exile's own exit statuses, as env(1), timeout(1), shells, podman and docker use them; any
 * other status is the program's own (128+N when signal N killed it).
 */
export const EXIT = {
  usage: 2,
  /** `--timeout` ran out and the sandbox was killed. */
  timeout: 124,
  /** The sandbox could not be set up. */
  setup: 125,
  /** CMD was found but could not be executed (not executable, a directory, no execute right). */
  cannotExecute: 126,
  /** CMD was not found. */
  notFound: 127,
} as const;

/** Whether a path exists for us (a PATH directory we cannot search hides it: not found, as shells say). */
function visible(path: unknown): boolean {
  try {
    return typeof path === 'string' && statSync(path) !== undefined;
  } catch {
    return false;
  }
}

/** The status for a launch failure: 126/127 when execve of CMD itself failed, else 125. */
export function launchFailureStatus(error: Error): number {
  if (!(error instanceof ExileError) || error.details.step !== 'execve') return EXIT.setup;
  const { errnoName, command, path } = error.details;
  if (errnoName === 'ENOENT' || errnoName === 'ENOTDIR') return EXIT.notFound;
  // execvp's search ends with EACCES if any candidate gave it, also one in an unsearchable directory.
  const searched = typeof command === 'string' && !command.includes('/');
  return searched && errnoName === 'EACCES' && !visible(path) ? EXIT.notFound : EXIT.cannotExecute;
}

/** The status for a program that ended: its code, or 128+N for signal N. */
export function programStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal !== null) return 128 + (constants.signals[signal] ?? 0);
  return code ?? EXIT.setup;
}
