import { constants } from 'node:os';
import { native } from './native.js';

const LANDLOCK_CREATE_RULESET_VERSION = 1 << 0;
const LANDLOCK_CREATE_RULESET_ERRATA = 1 << 1;

export type LandlockAvailability = 'available' | 'disabled' | 'not-implemented';

/**
 * The Landlock ABI version and errata mask of this kernel. `disabled`: built in but not
 * enabled at boot (EOPNOTSUPP); `not-implemented`: the kernel has no Landlock (ENOSYS).
 */
export function abi(): { abi: number; errata: number; status: LandlockAvailability } {
  const version = native.query(LANDLOCK_CREATE_RULESET_VERSION);
  if (version < 0) {
    const status = -version === constants.errno.EOPNOTSUPP ? 'disabled' : 'not-implemented';
    return { abi: 0, errata: 0, status };
  }
  const errata = native.query(LANDLOCK_CREATE_RULESET_ERRATA);
  return { abi: version, errata: errata < 0 ? 0 : errata, status: 'available' };
}
