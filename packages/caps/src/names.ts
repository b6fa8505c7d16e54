/** Capability names in bit order (linux/capability.h, through CAP_CHECKPOINT_RESTORE = 40). */
export const CAP_NAMES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
] as const;

/** A capability by its canonical name. */
export type Cap = (typeof CAP_NAMES)[number];

/** The names of the capabilities set in `mask`; unknown high bits come back as `CAP_<n>`. */
export function capsFromMask(mask: bigint): string[] {
  const names: string[] = [];
  // Two 32-bit numbers, not 64 BigInt shifts: a capability report names 15 sets, and that many
  // BigInt operations were most of `prepareDrop()`.
  const halves = [Number(BigInt.asUintN(32, mask)), Number(BigInt.asUintN(32, mask >> 32n))];
  for (let bit = 0; bit < 64; bit++) {
    if (((halves[bit >>> 5]! >>> (bit & 31)) & 1) !== 0) names.push(CAP_NAMES[bit] ?? `CAP_${bit}`);
  }
  return names;
}

/** A capability as callers may spell it: `'CAP_NET_ADMIN'` or `'net_admin'`. */
export type CapName = Cap | (Cap extends `CAP_${infer Short}` ? Lowercase<Short> : never);

const BY_NAME = new Map<string, number>(CAP_NAMES.map((name, bit) => [name, bit]));

/**
 * The bit number of a capability name (`'CAP_CHOWN'`, `'chown'`, any case); `undefined` when unknown.
 */
export function capBit(name: string): number | undefined {
  const upper = name.toUpperCase();
  return BY_NAME.get(upper.startsWith('CAP_') ? upper : `CAP_${upper}`);
}

