import type { Action } from './types.js';

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

/** SECCOMP_RET_ACTION_FULL and SECCOMP_RET_DATA. */
const RET_ACTION_FULL = 0xffff0000;
const RET_DATA = 0x0000ffff;

const byValue = new Map<number, ActionName>(
  (Object.entries(ACTION_VALUES) as [ActionName, number][]).map(([name, value]) => [value, name]));

/**
 * The canonical Action for a 32-bit filter return value, as the kernel acts on it: unknown action
 * bits mean kill-process (kernel ≥ 4.14), errno data above MAX_ERRNO is clamped to 4095.
 */
export function decodeAction(value: number): Action {
  const name = byValue.get((value & RET_ACTION_FULL) >>> 0) ?? 'kill-process';
  const data = value & RET_DATA;
  switch (name) {
    case 'errno': return { errno: Math.min(data, 4095) };
    case 'trace': return { trace: data };
    case 'trap': return data === 0 ? 'trap' : { trap: data };
    default: return name;
  }
}

/** Short text for disassembly and messages: `errno(1)`, `allow`, `trace(7)`. */
export function actionText(value: number): string {
  const action = decodeAction(value);
  if (typeof action === 'string') return action;
  const [[key, data]] = Object.entries(action) as [[string, number]];
  return `${key}(${data})`;
}
