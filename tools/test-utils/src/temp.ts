import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** uid/gid of the unprivileged test user. */
export const NOBODY = 65534;

/** A fresh temp dir that root and nobody can both write (mode 0777). */
export function sharedTempDir(prefix = 'exile-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o777);
  return dir;
}
