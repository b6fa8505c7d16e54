import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCodes, ExileError } from '@exile/common';
import { fromOCI, type SeccompPolicy } from '@exile/seccomp';

const AT = '$.seccompProfile';

/**
 * An OCI / Docker seccomp profile (an object, or a JSON file relative to `base`) as
 * `@exile/seccomp` reads it for this machine; bad input names its part (`$.seccompProfile.syscalls[3]`).
 */
export function readSeccompProfile(profile: string | object | undefined, base: string): { source: string | object; filter: SeccompPolicy } | undefined {
  if (profile === undefined) return undefined;
  let json: unknown = profile;
  const file = typeof profile === 'string' ? resolve(base, profile) : undefined;
  if (file !== undefined) {
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ExileError(ErrorCodes.INVALID_POLICY, `invalid policy: ${AT}: cannot read ${file} as JSON: ${(error as Error).message}`,
        { path: AT, file }, { cause: error });
    }
  }
  try {
    return { source: file ?? profile, filter: fromOCI(json as object) };
  } catch (error) {
    if (!(error instanceof ExileError)) throw error;
    const inner = typeof error.details.path === 'string' ? error.details.path : '';
    const path = inner === '' || inner === '$' ? AT : `${AT}.${inner.replace(/^\$\.?/, '')}`;
    throw new ExileError(error.code, `invalid policy: ${AT}${file === undefined ? '' : ` (${file})`}: ${error.message}`,
      { ...error.details, path, ...(file === undefined ? {} : { file }) }, { cause: error });
  }
}
