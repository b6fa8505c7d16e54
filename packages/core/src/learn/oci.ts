import { toOCI, type OCIProfile } from '@exile/seccomp';
import type { Policy } from '../policy/types.js';
import { validatePolicy } from '../policy/validate.js';
import { childSeccompPolicy } from '../filters/child-filter.js';

/**
 * The OCI seccomp profile (Docker, Kubernetes, runc) of a policy's `vows` and `syscalls`: the
 * same filter `exile run` gives the program, with errors (EPERM) instead of kills, as container
 * profiles do. The file-system and network parts have no place in a seccomp profile.
 */
export function ociProfile(policy: Policy): OCIProfile {
  const normalized = validatePolicy(policy);
  return toOCI(childSeccompPolicy(normalized.syscalls, normalized.vows, 'errno', 'EPERM'));
}
