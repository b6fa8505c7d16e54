import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { unpack } from './tar.mjs';

/**
 * A deliberately naive extractor — the kind that ships every year (CVE-2018-1002200 "Zip Slip",
 * CVE-2021-37701 in node-tar, ...). BUG: entry names are trusted. `resolve(dest, name)` lets
 * `../../x` climb out of `dest` and lets `/abs/path` ignore it; symlinks are created as given,
 * and a later entry written "inside" the link lands wherever it points.
 * Returns one line per entry: what happened, or the error code.
 */
export function extract(archive, dest) {
  const results = [];
  for (const entry of unpack(archive)) {
    const target = resolve(dest, entry.name);
    try {
      mkdirSync(dirname(target), { recursive: true });
      if (entry.type === 'symlink') symlinkSync(entry.linkname, target);
      else writeFileSync(target, entry.content);
      results.push({ name: entry.name, outcome: 'written' });
    } catch (error) {
      results.push({ name: entry.name, outcome: error.code ?? String(error) });
    }
  }
  return results;
}
