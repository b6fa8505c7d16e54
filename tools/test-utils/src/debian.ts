import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fetcher = fileURLToPath(new URL('../../debs/fetch.sh', import.meta.url));

/**
 * A file of a pinned Debian package (`tools/debs/pins.txt`), downloaded and unpacked on first use
 * into the cache `tools/debs/fetch.sh` keeps between runs. Real data from the operating system's
 * packages, never from outside the repository; a failed download or sha256 mismatch throws with
 * the fetcher's message.
 */
export function debianFile(key: string, path: string): string {
  let root: string;
  try {
    root = execFileSync('bash', [fetcher, key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`cannot fetch the Debian package pinned as ${key}: ${stderr || String(error)}`, { cause: error });
  }
  return join(root, path);
}
