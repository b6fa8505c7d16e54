import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { NOBODY, nobodyPath } from '@exile/test-utils';

export type User = 'current' | 'nobody';

/** The built `exile` CLI. */
export const CLI = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));

export interface ExileRun {
  /** The whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/**
 * Runs `exile ARGS` as the test user: root, or nobody through setpriv with the CLI from nobody's
 * stage. From a directory anyone can enter: nobody cannot enter a clone inside a mode-0700 one.
 */
export function exileAs(user: User, args: readonly string[], options: ExileRun = {}) {
  const [command, argv] = user === 'nobody'
    ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, nobodyPath(CLI), ...args]]
    : [process.execPath, [CLI, ...args]];
  return spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000, env: options.env ?? process.env, input: options.input, cwd: tmpdir() });
}
