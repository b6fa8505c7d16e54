import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { execCandidates } from '@exile/namespaces';
import { hostFs, LD_CACHE, readLink } from './host.js';
import { programFiles, type ProgramFile } from './needs.js';
import { spellings } from './spellings.js';

/** What a started program gets on top of its policy so that it can start at all. */
export interface ProgramGrants {
  /** Read and execute: the program, its interpreters, ELF loader and shared libraries. */
  exec: string[];
  /** Read: the loader's cache. */
  read: string[];
  files: ProgramFile[];
  /** Each file at every other path it is opened by, through the host's links (for a mount view; Landlock needs only `exec`). */
  aliases: { source: string; target: string }[];
}

/**
 * The files `command` needs to start, found the way the launcher's PATH search and the kernel's
 * and the loader's own searches find them, in the environment and directory it will run with.
 * Empty when the command cannot be found (the launcher then reports it).
 */
export function programGrants(command: string, env: NodeJS.ProcessEnv, cwd: string): ProgramGrants {
  const candidates = (name: string) => execCandidates(name, env.PATH === undefined ? [] : [`PATH=${env.PATH}`]).map((c) => resolve(cwd, c));
  const found = candidates(command).find((c) => hostFs.realFile(c) !== undefined);
  if (found === undefined) return { exec: [], read: [], files: [], aliases: [] };
  const libraryPath = env.LD_LIBRARY_PATH === undefined || env.LD_LIBRARY_PATH === '' ? []
    : env.LD_LIBRARY_PATH.split(':').map((d) => resolve(cwd, d));
  const files = programFiles(found, { candidates, libraryPath }, hostFs);
  const aliases = files.flatMap((f) => [...new Set(f.written.flatMap((w) => spellings(w, readLink)))]
    .filter((target) => target !== f.path).map((target) => ({ source: f.path, target })));
  return { exec: files.map((f) => f.path), read: existsSync(LD_CACHE) ? [LD_CACHE] : [], files, aliases };
}

/** The report's words for the grants: each file by name, the libraries by their base names. */
export function describeGrants(grants: ProgramGrants): string {
  const named = grants.files.filter((f) => f.role !== 'library').map((f) => f.path);
  const libraries = grants.files.filter((f) => f.role === 'library').map((f) => f.path.slice(f.path.lastIndexOf('/') + 1));
  return `read and execute ${named.join(', ')}${libraries.length > 0 ? ` and ${libraries.length} shared libraries (${libraries.join(', ')})` : ''}`
    + `${grants.read.length > 0 ? `; read ${grants.read.join(', ')}` : ''}`;
}
