import { readlinkSync } from 'node:fs';
import type { SpawnOptions } from 'node:child_process';
import { TERMINAL_ACCESS, type PathRule } from '../plan/devices.js';

/** The descriptors of this process that become the child's stdin, stdout and stderr unchanged. */
function inheritedFds(stdio: SpawnOptions['stdio']): number[] {
  if (stdio === 'inherit') return [0, 1, 2];
  if (!Array.isArray(stdio)) return [];
  return stdio.slice(0, 3).flatMap((s, i) => (s === 'inherit' ? [i] : typeof s === 'number' ? [s] : []));
}

/**
 * Rules for the terminal the child inherits: the device its stdio descriptors are (reopened by
 * name, e.g. `/dev/pts/3`) and `/dev/tty`. None when no inherited descriptor is a terminal.
 */
export function terminalRules(stdio: SpawnOptions['stdio']): PathRule[] {
  const paths = new Set<string>();
  for (const fd of inheritedFds(stdio)) {
    // node:tty on first use: it loads node:net and the streams, which import() has no use for.
    if (!process.getBuiltinModule('node:tty').isatty(fd)) continue;
    try {
      paths.add(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // No /proc: the descriptor still works, only reopening it by name does not.
    }
  }
  if (paths.size === 0) return [];
  return [...paths, '/dev/tty'].filter((p) => p.startsWith('/dev/')).map((path) => ({ path, access: [...TERMINAL_ACCESS] }));
}
