import { resolve } from 'node:path';
import type { Policy } from '../policy/types.js';
import type { OptionSpec, ParsedOptions } from './options.js';
import { UsageError } from './usage-error.js';

export const SECCOMP_OPTIONS: readonly OptionSpec[] = [
  { name: '--seccomp-profile', value: 'FILE', help: 'also apply an OCI/Docker seccomp profile (JSON) as a second filter' },
];

/** `--seccomp-profile FILE`; a --policy file's own profile is not replaced (that could widen it). */
export function addSeccompFlags(command: string, parsed: ParsedOptions, policy: Policy, file: string | undefined): void {
  const profile = parsed.values.get('--seccomp-profile')?.[0];
  if (profile === undefined) return;
  if (policy.seccompProfile !== undefined) throw new UsageError(`exile ${command}: --seccomp-profile would replace the seccompProfile of ${file}`);
  policy.seccompProfile = resolve(profile);
}
