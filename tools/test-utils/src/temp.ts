import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** uid/gid of the unprivileged test user. */
export const NOBODY = 65534;

/** A fresh temp dir that root and nobody can both write (mode 0777). */
export function sharedTempDir(prefix = 'exile-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o777);
  return dir;
}

/**
 * A sharedTempDir holding `tree`: each key a path below it, a file with that text, or a
 * directory when it ends in `/`. Every directory is 0777 and every file 0666 (less the umask),
 * so root and nobody both reach them and only the policy under test decides.
 */
export function sharedTree(prefix: string, tree: Record<string, string>): string {
  const root = sharedTempDir(prefix);
  const makeDir = (dir: string): void => {
    if (dir === root || existsSync(dir)) return;
    makeDir(dirname(dir));
    mkdirSync(dir);
    chmodSync(dir, 0o777);
  };
  for (const [path, text] of Object.entries(tree)) {
    const full = join(root, path);
    if (path.endsWith('/')) makeDir(full);
    else {
      makeDir(dirname(full));
      writeFileSync(full, text, { mode: 0o666 });
    }
  }
  return root;
}
