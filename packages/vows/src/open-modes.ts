import type { Vow } from './names.js';
import { MODE_DANGER_BITS, O } from './linux.js';
import { masked, none } from './checks.js';
import type { VowRule } from './definition.js';

/** The bits of open()'s flags that decide which vows an open needs. */
export const OPEN_MASK = O.ACCMODE | O.CREAT | O.TRUNC | O.TMPFILE_BIT;

interface OpenMode { flags: number; needs: readonly Vow[] }

/**
 * Every allowed value of `flags & OPEN_MASK` and the vows it needs, as in OpenBSD: reading needs
 * rpath, writing or truncating wpath, creating cpath. Creating opens also refuse setuid, setgid and
 * sticky bits in the mode. Anything not listed (e.g. access mode 3) is refused.
 */
export const OPEN_MODES: readonly OpenMode[] = [
  { flags: O.RDONLY, needs: ['rpath'] },
  { flags: O.WRONLY, needs: ['wpath'] },
  { flags: O.WRONLY | O.TRUNC, needs: ['wpath'] },
  { flags: O.RDWR, needs: ['rpath', 'wpath'] },
  { flags: O.RDWR | O.TRUNC, needs: ['rpath', 'wpath'] },
  { flags: O.RDONLY | O.TRUNC, needs: ['rpath', 'wpath'] },
  { flags: O.RDONLY | O.CREAT, needs: ['rpath', 'cpath'] },
  { flags: O.WRONLY | O.CREAT, needs: ['wpath', 'cpath'] },
  { flags: O.WRONLY | O.CREAT | O.TRUNC, needs: ['wpath', 'cpath'] },
  { flags: O.RDWR | O.CREAT, needs: ['rpath', 'wpath', 'cpath'] },
  { flags: O.RDWR | O.CREAT | O.TRUNC, needs: ['rpath', 'wpath', 'cpath'] },
  { flags: O.RDONLY | O.CREAT | O.TRUNC, needs: ['rpath', 'wpath', 'cpath'] },
  { flags: O.WRONLY | O.TMPFILE_BIT, needs: ['wpath', 'cpath'] },
  { flags: O.RDWR | O.TMPFILE_BIT, needs: ['rpath', 'wpath', 'cpath'] },
];

/** open() takes flags in arg1 and mode in arg2 (x86_64 only); openat() one later. */
const OPEN_CALLS = [
  { syscall: 'open', flags: 1, mode: 2 },
  { syscall: 'openat', flags: 2, mode: 3 },
] as const;

function creates(flags: number): boolean {
  return (flags & (O.CREAT | O.TMPFILE_BIT)) !== 0;
}

/**
 * The open()/openat() rules that involve `vow`, each requiring the other vows its mode needs
 * (so O_RDWR|O_CREAT appears under rpath, wpath and cpath alike); `anyMode`: every mode, alone.
 */
export function openRules(vow: Vow, anyMode = false): VowRule[] {
  const modes = anyMode ? OPEN_MODES : OPEN_MODES.filter((mode) => mode.needs.includes(vow));
  return modes.flatMap((mode) => OPEN_CALLS.map((call) => ({
    syscall: call.syscall,
    args: [masked(call.flags, OPEN_MASK, mode.flags), ...(creates(mode.flags) ? [none(call.mode, MODE_DANGER_BITS)] : [])],
    ...(anyMode || mode.needs.length === 1 ? {} : { requires: mode.needs.filter((other) => other !== vow) }),
  })));
}
