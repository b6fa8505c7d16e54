import { constants } from 'node:os';
import { ErrorCodes, ExileError } from '@exile/common';
import { native } from './native.js';
import { CREATE_RULESET_ERRATA, CREATE_RULESET_VERSION } from './uapi.js';

export type LandlockAvailability = 'available' | 'disabled' | 'not-implemented';

/** Environment variable that lowers (never raises) the ABI this library uses: for testing the
 *  downgrade paths, or pinning a deployment to the rights it was reviewed for. `0` = no Landlock. */
export const ABI_MAX_ENV = 'EXILE_LANDLOCK_ABI_MAX';

/** The cap from `env`, or undefined. A malformed value is an error: silently ignoring it would
 *  let a typo change what gets enforced. */
export function abiCap(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[ABI_MAX_ENV];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) {
    throw new ExileError(ErrorCodes.INVALID_POLICY, `${ABI_MAX_ENV} must be a non-negative integer, got ${JSON.stringify(raw)}`,
      { path: `env.${ABI_MAX_ENV}` });
  }
  return Number(raw);
}

/** Applies the cap to a kernel report: the ABI may only go down; capped to 0 reads as `disabled`. */
export function capAbi(kernel: { abi: number; errata: number; status: LandlockAvailability }, cap: number | undefined):
  { abi: number; errata: number; status: LandlockAvailability } {
  if (cap === undefined || kernel.status !== 'available' || cap >= kernel.abi) return kernel;
  return cap === 0 ? { abi: 0, errata: 0, status: 'disabled' } : { ...kernel, abi: cap };
}

/**
 * The Landlock ABI version and errata mask this library uses: the kernel's, lowered by
 * `EXILE_LANDLOCK_ABI_MAX` when set. `disabled`: built in but not enabled at boot (EOPNOTSUPP),
 * or capped to 0; `not-implemented`: the kernel has no Landlock (ENOSYS).
 */
export function abi(): { abi: number; errata: number; status: LandlockAvailability } {
  const cap = abiCap();
  const version = native.query(CREATE_RULESET_VERSION);
  if (version < 0) {
    const status = -version === constants.errno.EOPNOTSUPP ? 'disabled' : 'not-implemented';
    return { abi: 0, errata: 0, status };
  }
  const errata = native.query(CREATE_RULESET_ERRATA);
  return capAbi({ abi: version, errata: errata < 0 ? 0 : errata, status: 'available' }, cap);
}
