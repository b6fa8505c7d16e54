import { basename, dirname, isAbsolute, join } from 'node:path';
import { programLayout } from '@exile/seccomp';
import { readElf, readShebang, type ElfInfo } from './elf.js';
import { lookup, type LdCache } from './ld-cache.js';

/** The file-system operations resolving a program needs (the real ones, or a test's table). */
export interface ProgramFs {
  readAt(path: string, offset: number, length: number): Uint8Array;
  /** The resolved path of an existing regular file, else undefined. */
  realFile(path: string): string | undefined;
  ldCache(): LdCache;
}

/** What a file is to the program being started. */
export type ProgramRole = 'program' | 'interpreter' | 'loader' | 'library';

export interface ProgramFile {
  /** The resolved path (Landlock rules name inodes). */
  path: string;
  role: ProgramRole;
  /** The other spellings it is opened by — PT_INTERP's `/lib64/…`, a PATH entry, a cache entry — which a mount view must have too. */
  written: string[];
}

/** The loader's trusted directories after the cache, for an ELF machine of @exile/seccomp's arch list (glibc on Debian-style multiarch and lib64 layouts). */
function systemDirs(machine: number): string[] {
  const multiarch = programLayout(machine)?.multiarch;
  return multiarch === undefined ? [] : [`/lib/${multiarch}`, `/usr/lib/${multiarch}`, '/lib64', '/usr/lib64', '/lib', '/usr/lib'];
}
/** The kernel follows at most this many `#!` interpreters (BINPRM_MAX_RECURSION) . */
const MAX_SCRIPT_DEPTH = 4;

/** $ORIGIN (the object's directory) expanded; entries with other dynamic tokens ($LIB, $PLATFORM) are skipped. */
function searchDirs(list: string[], origin: string): string[] {
  return list.map((dir) => dir.replace(/\$(ORIGIN\b|\{ORIGIN\})/g, origin)).filter((dir) => dir !== '' && !dir.includes('$'));
}

/**
 * Every file the kernel and the dynamic loader open to start `command` (an absolute path):
 * the program, a `#!` script's interpreter (and for `#!/usr/bin/env NAME`, NAME found on
 * the PATH), the ELF interpreter and the shared libraries, transitively, searched the way glibc's
 * loader searches (DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH, the cache, the system directories).
 * Files that cannot be found are left out: the loader will fail on them by itself.
 */
export function programFiles(command: string, env: { candidates(name: string): string[]; libraryPath: string[] }, fs: ProgramFs): ProgramFile[] {
  const found = new Map<string, ProgramRole>();
  const written = new Map<string, Set<string>>();
  // Whether `real` is new; either way `path` is one of its spellings.
  const first = (path: string, real: string): boolean => {
    if (path !== real) written.set(real, (written.get(real) ?? new Set()).add(path));
    return !found.has(real);
  };
  const libraries = (elf: ElfInfo, origin: string, inherited: string[]) => {
    const rpath = elf.runpath.length === 0 ? [...searchDirs(elf.rpath, origin), ...inherited] : [];
    const dirs = [...rpath, ...env.libraryPath, ...searchDirs(elf.runpath, origin)];
    for (const name of elf.needed) {
      if (name.includes('/')) {
        visitElf(name, 'library', rpath);
        continue;
      }
      const direct = dirs.map((dir) => join(dir, name)).find((p) => fs.realFile(p) !== undefined);
      const candidates = direct !== undefined ? [direct] : lookup(fs.ldCache(), name, elf.machine);
      const system = candidates.length > 0 ? candidates : systemDirs(elf.machine)
        .map((dir) => join(dir, name)).filter((p) => fs.realFile(p) !== undefined).slice(0, 1);
      for (const path of system) visitElf(path, 'library', rpath);
    }
  };
  const visitElf = (path: string, role: ProgramRole, inherited: string[]): ElfInfo | undefined => {
    const real = fs.realFile(path);
    if (real === undefined || !first(path, real)) return undefined;
    found.set(real, role);
    const elf = readElf((offset, length) => fs.readAt(real, offset, length));
    if (elf === undefined) return undefined;
    if (elf.interpreter !== undefined) visitElf(elf.interpreter, 'loader', []);
    libraries(elf, dirname(real), inherited);
    return elf;
  };
  const onPath = (name: string) => env.candidates(name).find((c) => fs.realFile(c) !== undefined);
  const visit = (path: string, role: ProgramRole, depth: number): void => {
    const real = fs.realFile(path);
    if (real === undefined || !first(path, real)) return;
    const script = readShebang(fs.readAt(real, 0, 256));
    if (script === undefined || depth >= MAX_SCRIPT_DEPTH) {
      // The executable's DT_RPATH applies to every library it loads (when it has no DT_RUNPATH).
      visitElf(real, role, []);
      return;
    }
    found.set(real, role);
    visit(script.interpreter, 'interpreter', depth + 1);
    if (basename(script.interpreter) === 'env' && script.arg !== undefined && !script.arg.startsWith('-')) {
      const target = isAbsolute(script.arg) ? script.arg : onPath(script.arg);
      if (target !== undefined) visit(target, 'interpreter', depth + 1);
    }
  };
  visit(command, 'program', 0);
  return [...found].map(([path, role]) => ({ path, role, written: [...(written.get(path) ?? [])] }));
}
