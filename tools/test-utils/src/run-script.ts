import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { NOBODY } from './temp.js';
import { nobodyPath } from './stage.js';

export interface RunOptions {
  /** `import.meta.url` of the calling test: the script is placed in that package, so it can
   *  import the package by its own name (and its dependencies) and runs the built `dist/`.
   *  As nobody, in that package's copy in the stage (`nobodyPath()`). */
  from: string;
  /** Run as root (the default, when we are root) or as uid/gid 65534 through setpriv. */
  user?: 'current' | 'nobody';
  env?: NodeJS.ProcessEnv;
  /** Arguments; as nobody, those naming a path in the repository name its copy in the stage. */
  args?: string[];
  /** Extra flags for node itself, e.g. `--expose-gc`. */
  nodeArgs?: string[];
  timeoutMs?: number;
  input?: string;
  cwd?: string;
}

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function packageRoot(from: string): string {
  let dir = dirname(fileURLToPath(from));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/**
 * Runs `code` (an ES module) in a fresh Node process, so a restriction it applies cannot
 * touch the test runner. Synchronous; never throws for a failing child — assert on the result.
 */
export function runScript(code: string, options: RunOptions): ChildResult {
  const asNobody = options.user === 'nobody';
  const place = asNobody ? nobodyPath : (path: string) => path;
  const dir = place(join(packageRoot(options.from), '.test-tmp'));
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const file = join(dir, `${randomBytes(6).toString('hex')}.mjs`);
  writeFileSync(file, code, { mode: 0o644 });
  const nodeArgv = [...(options.nodeArgs ?? []), file, ...(options.args ?? []).map(place)];
  const [command, argv] = asNobody
    ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, ...nodeArgv]]
    : [process.execPath, nodeArgv];
  let result;
  try {
    result = spawnSync(command, argv, {
      encoding: 'utf8',
      env: { ...process.env, ...options.env },
      timeout: options.timeoutMs ?? 30_000,
      input: options.input,
      cwd: options.cwd === undefined ? dir : place(options.cwd),
    });
  } finally {
    rmSync(file, { force: true });
  }
  if (result.error) throw result.error;
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}
