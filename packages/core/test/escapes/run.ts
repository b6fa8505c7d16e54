import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NOBODY, nobodyPath, sharedTempDir } from '@exile/test-utils';
import type { User } from '../exile-cli.js';

export { CLI, type User } from '../exile-cli.js';

/** Runs argv as the test user (root, or nobody through setpriv, with repository paths in nobody's stage); never throws. */
export function runAs(user: User, argv: string[], env: NodeJS.ProcessEnv = {}) {
  const [command, ...args] = user === 'nobody'
    ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...argv.map(nobodyPath)]
    : argv;
  // nobody cannot enter a clone inside a mode-0700 directory: start from a directory it can.
  const r = spawnSync(command!, args, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env }, cwd: tmpdir() });
  if (r.error) throw r.error;
  return r;
}

/** A fresh directory anyone may use, with the subdirectories `names`, each writable by anyone (nobody attacks too). */
export function workTree(...names: string[]): string {
  const dir = sharedTempDir('exile-escape-');
  for (const name of names) {
    mkdirSync(join(dir, name));
    chmodSync(join(dir, name), 0o777);
  }
  return dir;
}

/** The attack scripts of this directory, copied where nobody can read them; returns their paths. */
export function attacks(...names: string[]): Record<string, string> {
  const dir = sharedTempDir('exile-escape-');
  chmodSync(dir, 0o755);
  return Object.fromEntries(names.map((name) => {
    const file = join(dir, name);
    copyFileSync(fileURLToPath(new URL(name, import.meta.url)), file);
    chmodSync(file, 0o644);
    return [name, file];
  }));
}

/** The last line of `text` that is a JSON object. */
export function lastObject<T>(text: string): T {
  const lines = text.split(/\r?\n/).filter((l) => l.startsWith('{'));
  if (lines.length === 0) throw new Error(`no JSON object in: ${text}`);
  return JSON.parse(lines.at(-1)!) as T;
}
