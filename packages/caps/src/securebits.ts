/** securebits (linux/securebits.h), decoded. Each `*Locked` bit freezes its neighbour for good. */
export interface Securebits {
  value: number;
  /** SECBIT_NOROOT: uid 0 and set-user-ID-root binaries gain no capabilities at execve. */
  noRoot: boolean;
  noRootLocked: boolean;
  /** SECBIT_NO_SETUID_FIXUP: changing uids does not adjust capabilities. */
  noSetuidFixup: boolean;
  noSetuidFixupLocked: boolean;
  /** SECBIT_KEEP_CAPS: permitted capabilities survive a switch away from uid 0. */
  keepCaps: boolean;
  keepCapsLocked: boolean;
  /** SECBIT_NO_CAP_AMBIENT_RAISE: the ambient set cannot be raised. */
  noCapAmbientRaise: boolean;
  noCapAmbientRaiseLocked: boolean;
}

const BIT = {
  noRoot: 0, noRootLocked: 1, noSetuidFixup: 2, noSetuidFixupLocked: 3,
  keepCaps: 4, keepCapsLocked: 5, noCapAmbientRaise: 6, noCapAmbientRaiseLocked: 7,
} as const satisfies Record<Exclude<keyof Securebits, 'value'>, number>;

/**
 * What `drop({ lockSecurebits: true })` sets: root is not special, ambient cannot be raised, and
 * KEEP_CAPS and NO_SETUID_FIXUP are locked *off* — switching away from uid 0 still clears the
 * permitted set, and nobody can change that later.
 */
export const LOCKED_SECUREBITS =
  (1 << BIT.noRoot) | (1 << BIT.noRootLocked) | (1 << BIT.noSetuidFixupLocked) | (1 << BIT.keepCapsLocked) |
  (1 << BIT.noCapAmbientRaise) | (1 << BIT.noCapAmbientRaiseLocked);

/** The bits that LOCKED_SECUREBITS locks in the off position (cleared when locking). */
export const UNSET_BY_LOCK = (1 << BIT.noSetuidFixup) | (1 << BIT.keepCaps);

/** Decodes a securebits value (as `prctl(PR_GET_SECUREBITS)` returns it). */
export function decodeSecurebits(value: number): Securebits {
  const out = { value } as Securebits;
  for (const [name, bit] of Object.entries(BIT)) out[name as keyof typeof BIT] = ((value >> bit) & 1) === 1;
  return out;
}
