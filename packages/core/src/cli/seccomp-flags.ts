import { resolve } from 'node:path';
import type { Policy, Rule } from '../policy/types.js';
import type { OptionSpec, ParsedOptions } from './options.js';
import { UsageError } from './usage-error.js';

export const SECCOMP_OPTIONS: readonly OptionSpec[] = [
  { name: '--syscall', value: 'RULE', repeat: true, help: 'add a seccomp rule (JSON), tried before the vows: the one a refusal or exile learn names (syscalls)',
    more: '`--syscall \'{"syscall":"ptrace","action":"allow","args":[{"index":0,"op":"eq","value":16,"width":32}]}\'`; over a `--policy FILE` with vows, only a rule that refuses' },
  { name: '--seccomp-profile', value: 'FILE', help: 'also apply an OCI/Docker seccomp profile (JSON) as a second filter' },
];

/** `--syscall RULE`s, after a policy file's own rules (first match wins: the file's refusals stay). */
function addRuleFlags(command: string, values: string[], policy: Policy, file: string | undefined): void {
  const rules = values.map((text): Rule => {
    try {
      const rule: unknown = JSON.parse(text);
      if (typeof rule === 'object' && rule !== null && !Array.isArray(rule)) return rule as Rule;
    } catch {
      // said below
    }
    throw new UsageError(`exile ${command}: --syscall needs a rule as JSON, e.g. '{"syscall":"getpid","action":"allow"}', got ${text}`);
  });
  // An allowing rule ahead of the file's vows would widen them.
  if (file !== undefined && policy.vows !== undefined && rules.some((rule) => rule.action === 'allow')) {
    throw new UsageError(`exile ${command}: --syscall with "action": "allow" would widen the vows of ${file}`);
  }
  if (rules.length > 0) policy.syscalls = [...(policy.syscalls ?? []), ...rules];
}

/** `--syscall RULE…` and `--seccomp-profile FILE`; a --policy file's own profile is not replaced (that could widen it). */
export function addSeccompFlags(command: string, parsed: ParsedOptions, policy: Policy, file: string | undefined): void {
  addRuleFlags(command, parsed.values.get('--syscall') ?? [], policy, file);
  const profile = parsed.values.get('--seccomp-profile')?.[0];
  if (profile === undefined) return;
  if (policy.seccompProfile !== undefined) throw new UsageError(`exile ${command}: --seccomp-profile would replace the seccompProfile of ${file}`);
  policy.seccompProfile = resolve(profile);
}
