/**
 * seccomp return actions: the name exile uses and the kernel's SECCOMP_RET_* value
 * (without data bits). Ordered from most to least severe, as the kernel ranks them.
 */
export const ACTION_VALUES = {
  'kill-process': 0x80000000,
  'kill-thread': 0x00000000,
  trap: 0x00030000,
  errno: 0x00050000,
  notify: 0x7fc00000,
  trace: 0x7ff00000,
  log: 0x7ffc0000,
  allow: 0x7fff0000,
} as const;

export type ActionName = keyof typeof ACTION_VALUES;
