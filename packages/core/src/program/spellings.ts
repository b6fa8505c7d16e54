import { posix } from 'node:path';

/** The kernel gives up after this many symbolic links in one lookup (MAXSYMLINKS). */
const MAX_LINKS = 40;

/**
 * Every absolute path a lookup of `path` passes through, symbolic link by symbolic link: for
 * `/lib64/ld-linux-x86-64.so.2` on a merged-/usr Debian, also `/usr/lib64/…`, `/lib/x86_64-linux-gnu/…`
 * and `/usr/lib/x86_64-linux-gnu/…`. A mount view that has the file at each of these spellings (or
 * the links of the host's tree above them) resolves the path as the host does. `readlink` answers
 * undefined for anything that is not a link.
 */
export function spellings(path: string, readlink: (path: string) => string | undefined): string[] {
  const out = [path];
  let current = path;
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    const parts = current.split('/').filter((p) => p !== '');
    const at = parts.findIndex((_, i) => readlink(`/${parts.slice(0, i + 1).join('/')}`) !== undefined);
    if (at < 0) break;
    const link = readlink(`/${parts.slice(0, at + 1).join('/')}`)!;
    current = posix.resolve(`/${parts.slice(0, at).join('/')}`, link, ...parts.slice(at + 1));
    if (out.includes(current)) break;
    out.push(current);
  }
  return out;
}
