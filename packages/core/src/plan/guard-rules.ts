import { AT_EMPTY_PATH, IOCTL, MFD_NOEXEC_SEAL } from '@exile/vows';
import type { Rule } from '../policy/types.js';

/**
 * In every exile seccomp filter: no pushing bytes into a terminal's input queue (TIOCSTI: the
 * caller's shell would run them after the program exits) or the console (TIOCLINUX). Compared on
 * 32 bits: the kernel truncates ioctl's request to an unsigned int, so 0x1_00005412 is TIOCSTI.
 */
export const terminalRules: readonly Rule[] = [IOCTL.TIOCSTI, IOCTL.TIOCLINUX].map((request): Rule => ({
  syscall: 'ioctl', action: { errno: 'EPERM' }, args: [{ index: 1, op: 'eq', value: request, width: 32 }],
}));

/**
 * When the policy restricts execution (fs paths): no exec of what Landlock never sees as a path.
 * A memfd lives on an internal mount Landlock does not check, and execveat(fd, "", AT_EMPTY_PATH)
 * (fexecve) runs it; a memfd sealed non-executable stays usable as memory.
 */
export const execRules: readonly Rule[] = [
  { syscall: 'execveat', action: { errno: 'EACCES' }, args: [{ index: 4, op: 'masked-eq', mask: AT_EMPTY_PATH, value: AT_EMPTY_PATH, width: 32 }] },
  { syscall: 'memfd_create', action: { errno: 'EACCES' }, args: [{ index: 1, op: 'masked-eq', mask: MFD_NOEXEC_SEAL, value: 0, width: 32 }] },
];
