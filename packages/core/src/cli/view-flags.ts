import type { Policy, PolicyMount } from '../policy/types.js';
import type { OptionSpec, ParsedOptions } from './options.js';
import { UsageError } from './usage-error.js';

/**
 * `--bind PORT` (a TCP port, see policy-flags) and `--bind SRC DST` (a mount) share a name, as
 * landrun's and bubblewrap's users expect: digits are a port, a path starts a mount.
 */
export const bindArity = (first: string): 1 | 2 => (/^[/.]/.test(first) ? 2 : 1);

/** Who the program is and what it sees in its namespaces, bubblewrap's way. */
export const VIEW_OPTIONS: readonly OptionSpec[] = [
  { name: '--uid', value: 'N', help: 'run as user id N inside a new user namespace' },
  { name: '--gid', value: 'N', help: 'run as group id N inside a new user namespace' },
  { name: '--hostname', value: 'NAME', help: 'host name NAME inside a new UTS namespace' },
  { name: '--tmpfs', value: 'DIR', repeat: true, help: 'mount an empty tmpfs on DIR (mount namespace)' },
  { name: '--ro-bind', value: 'SRC DST', arity: 2, repeat: true, help: 'bind-mount host path SRC read-only at DST' },
  { name: '--dev-bind', value: 'SRC DST', arity: 2, repeat: true, help: 'bind-mount SRC at DST, device files usable' },
  { name: '--proc', value: 'DIR', repeat: true, help: 'mount a fresh /proc on DIR (and a new pid namespace)' },
];

/** The `--bind SRC DST` half of `--bind`'s help, for the table in policy-flags. */
export const BIND_MOUNT_HELP = 'or bind-mount host path SRC read-write at DST';

const MOUNT: Record<string, (values: string[]) => PolicyMount> = {
  '--tmpfs': ([target]) => ({ type: 'tmpfs', target: target! }),
  '--proc': ([target]) => ({ type: 'proc', target: target! }),
  '--bind': ([source, target]) => ({ type: 'bind', source: source!, target: target! }),
  '--ro-bind': ([source, target]) => ({ type: 'bind', source: source!, target: target!, readOnly: true }),
  '--dev-bind': ([source, target]) => ({ type: 'bind', source: source!, target: target!, devices: true }),
};

function id(command: string, option: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 0xffff_fffe) throw new UsageError(`exile ${command}: ${option} needs a number 0-4294967294, got "${text}"`);
  return Number(text);
}

/** Adds the view flags to `policy`: ids and host name set, mounts appended in command-line order. */
export function addViewFlags(command: string, parsed: ParsedOptions, policy: Policy): void {
  const one = (name: string) => parsed.values.get(name)?.[0];
  const uid = one('--uid');
  if (uid !== undefined) policy.uid = id(command, '--uid', uid);
  const gid = one('--gid');
  if (gid !== undefined) policy.gid = id(command, '--gid', gid);
  const hostname = one('--hostname');
  if (hostname !== undefined) policy.hostname = hostname;
  const mounts = parsed.occurrences
    .filter(({ name, values }) => MOUNT[name] !== undefined && (name !== '--bind' || values.length === 2))
    .map(({ name, values }) => MOUNT[name]!(values));
  if (mounts.length > 0) policy.mounts = [...policy.mounts ?? [], ...mounts];
}
