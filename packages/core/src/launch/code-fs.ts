import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import type { CodeFs } from './module-code.js';

/** An entry's kind as the walk sorts it. */
function kindOf(entry: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): 'file' | 'dir' | 'link' | 'other' {
  return entry.isFile() ? 'file' : entry.isDirectory() ? 'dir' : entry.isSymbolicLink() ? 'link' : 'other';
}

/** The real file system for moduleCode(): what cannot be read is treated as absent (the child could not load it either). */
export const codeFs: CodeFs = {
  list(dir) {
    try {
      return readdirSync(dir, { withFileTypes: true }).map((entry) => ({ name: entry.name, kind: kindOf(entry) }));
    } catch {
      return [];
    }
  },
  realpath(path) {
    try {
      return realpathSync.native(path);
    } catch {
      return undefined;
    }
  },
  kind(path) {
    try {
      const stat = statSync(path);
      return stat.isFile() ? 'file' : stat.isDirectory() ? 'dir' : 'other';
    } catch {
      return undefined;
    }
  },
  readJson(path) {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as unknown;
    } catch {
      return undefined;
    }
  },
};
