import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { invalid, reroot } from '@exile/common';
import { fromOCI, type SeccompPolicy } from '@exile/seccomp';
import { IN_POLICY } from './invalid.js';

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
      throw invalid(AT, `cannot read ${file} as JSON: ${(error as Error).message}`, { file }, { ...IN_POLICY, cause: error });
    }
  }
  try {
    return { source: file ?? profile, filter: fromOCI(json as object) };
  } catch (error) {
    throw reroot(error, '$', AT, { context: file === undefined ? IN_POLICY.context : `${IN_POLICY.context} (${file})`, ...(file === undefined ? {} : { details: { file } }) });
  }
}
