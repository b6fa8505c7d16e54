import { constants } from 'node:os';

const byNumber = new Map<number, string>();
for (const [name, value] of Object.entries(constants.errno)) {
  // Linux aliases (EWOULDBLOCK = EAGAIN, EDEADLOCK = EDEADLK): keep the first, canonical name.
  if (!byNumber.has(value)) byNumber.set(value, name);
}

/** `1` → `'EPERM'`; unknown numbers come back as `'E<n>'`. */
export function errnoName(errno: number): string {
  return byNumber.get(errno) ?? `E${errno}`;
}

/** `'EPERM'` (any case) or a number → the errno number; `undefined` when unknown or out of range. */
export function errnoNumber(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 4095 ? value : undefined;
  const n = (constants.errno as Record<string, number>)[value.toUpperCase()];
  return n;
}
