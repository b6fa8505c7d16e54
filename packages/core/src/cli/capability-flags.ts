import { canonicalCap } from '../policy/capabilities.js';
import type { Policy } from '../policy/types.js';
import type { OptionSpec, ParsedOptions } from './options.js';
import { UsageError } from './usage-error.js';

export const CAPABILITY_OPTIONS: readonly OptionSpec[] = [
  { name: '--cap-keep', value: 'CAP', repeat: true, help: 'keep capability CAP (e.g. net_bind_service), drop every other', more: '`net_bind_service` or `CAP_NET_BIND_SERVICE`' },
];

/** `--cap-keep`: the capabilities to keep; over a --policy file, only ones it keeps too. */
export function addCapabilityFlags(command: string, parsed: ParsedOptions, policy: Policy, file: string | undefined): void {
  const names = parsed.values.get('--cap-keep');
  if (names === undefined) return;
  const keep = names.map((name) => {
    const cap = canonicalCap(name);
    if (cap === undefined) throw new UsageError(`exile ${command}: --cap-keep: unknown capability "${name}"`);
    return cap;
  });
  const kept = policy.capabilities === undefined ? undefined : policy.capabilities === 'drop-all' ? [] : policy.capabilities.keep.map(canonicalCap);
  const wider = kept === undefined ? [] : keep.filter((cap) => !kept.includes(cap));
  if (wider.length > 0) throw new UsageError(`exile ${command}: --cap-keep would widen the capabilities of ${file}: ${wider.join(' ')} not kept there`);
  policy.capabilities = { keep: [...new Set(keep)] };
}
