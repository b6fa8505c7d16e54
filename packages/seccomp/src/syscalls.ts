import { ARCHES, nativeArch } from './arches.js';
import type { Arch } from './types.js';

const byNumber = new Map<Arch, Map<number, string>>();

function reverse(arch: Arch): Map<number, string> {
  let map = byNumber.get(arch);
  if (map === undefined) {
    map = new Map(Object.entries(ARCHES[arch].table).map(([name, nr]) => [nr, name]));
    byNumber.set(arch, map);
  }
  return map;
}

function archOrNative(arch: Arch | undefined): Arch {
  return arch ?? nativeArch() ?? 'x86_64';
}

/** Syscall tables: name ↔ number per architecture (default: this process's architecture). */
export const syscalls = {
  /** The syscall number of `name`, or undefined when the architecture has no such syscall. */
  number(name: string, arch?: Arch): number | undefined {
    const table = ARCHES[archOrNative(arch)].table;
    return Object.hasOwn(table, name) ? table[name] : undefined;
  },
  /** The name of syscall `nr`, or undefined. */
  name(nr: number, arch?: Arch): string | undefined {
    return reverse(archOrNative(arch)).get(nr);
  },
  /** Every syscall name of the architecture, sorted by number. */
  list(arch?: Arch): string[] {
    const table = ARCHES[archOrNative(arch)].table;
    return Object.keys(table).sort((a, b) => (table[a] ?? 0) - (table[b] ?? 0));
  },
};
