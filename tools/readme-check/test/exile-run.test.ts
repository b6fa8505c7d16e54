import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NOBODY, nobodyPath } from '@exile/test-utils';

// Every `exile run` command of every README's ```sh blocks, run as printed (with `exile` the
// built CLI) on this kernel and on a simulated kernel without Landlock, as the current user and
// as nobody: a README command must work, and mean the same, on both, for anyone.

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const cli = `${repo}packages/core/dist/cli.cjs`;
const readmes = ['README.md', ...['packages', 'examples'].flatMap((dir) =>
  readdirSync(`${repo}${dir}`).map((name) => `${dir}/${name}/README.md`).filter((file) => {
    try {
      return readFileSync(`${repo}${file}`).length > 0;
    } catch {
      return false;
    }
  }))];

const commands = readmes.flatMap((file) => [...readFileSync(`${repo}${file}`, 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1]!.split('\n'))
  .filter((line) => /(^|&& |; )exile run /.test(line))
  .map((line) => [file, line] as const));

type User = 'current' | 'nobody';

function run(line: string, env: NodeJS.ProcessEnv, user: User) {
  // nobody runs exile from the repository's world-readable stage, in a directory it can enter.
  const script = `exile() { "${process.execPath}" "${user === 'nobody' ? nobodyPath(cli) : cli}" "$@"; }\n${line}`;
  const [cmd, argv] = user === 'nobody'
    ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '/bin/sh', '-c', script]]
    : ['/bin/sh', ['-c', script]];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 120_000, cwd: tmpdir(), env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('exile run in the READMEs', () => {
  it('finds the commands', () => {
    expect(commands.length).toBeGreaterThanOrEqual(1);
  });

  it.each(commands.flatMap(([file, line]) => (['current', 'nobody'] as const).map((user) => [file, user, line] as const)))(
    '%s, as %s: %s runs, with the same result without Landlock', (_file, user, line) => {
      const here = run(line, {}, user);
      expect(here.stderr).toBe('');
      expect(here.status).toBe(0);
      expect(run(line, { EXILE_LANDLOCK_ABI_MAX: '0' }, user)).toEqual(here);
    });
});
