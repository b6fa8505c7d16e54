import { CAP_NAMES, type Cap } from '@exile/caps';

const known = new Set<string>(CAP_NAMES);

/** `'net_admin'`, `'NET_ADMIN'`, `'CAP_NET_ADMIN'` → `'CAP_NET_ADMIN'`; undefined when unknown. */
export function canonicalCap(name: string): Cap | undefined {
  const upper = name.trim().toUpperCase();
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  return known.has(full) ? (full as Cap) : undefined;
}
