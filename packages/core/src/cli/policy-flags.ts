import type { NamespaceOptions, Policy } from '../policy/types.js';
import { PROFILE_NAMES, type ProfileName } from '../policy/profiles.js';
import { loadPolicy } from '../policy/load.js';
import { NAMESPACE_NAMES, type NamespaceName } from '../plan/namespaces.js';
import type { OptionSpec, ParsedOptions } from './options.js';
import { UsageError } from './usage-error.js';
import { addCapabilityFlags, CAPABILITY_OPTIONS } from './capability-flags.js';
import { addSeccompFlags, SECCOMP_OPTIONS } from './seccomp-flags.js';
import { addViewFlags, BIND_MOUNT_HELP, bindArity, VIEW_OPTIONS } from './view-flags.js';

/** The options that build a policy, shared by `exile run` and `exile explain`. */
export const POLICY_OPTIONS: readonly OptionSpec[] = [
  { name: '--policy', value: 'FILE', help: 'start from a JSON policy file (flags below add to it)' },
  { name: '--ro', value: 'PATH', repeat: true, help: 'read PATH, no write, no execute (fs.read)' },
  { name: '--rox', value: 'PATH', repeat: true, help: 'read and execute PATH (fs.exec)' },
  { name: '--rw', value: 'PATH', repeat: true, help: 'read and write PATH, no execute (fs.write)',
    more: 'write-then-exec is the classic hole; a dynamic loader can still map code from PATH (`ld.so PATH/prog`): Landlock checks `execve`, not `mmap`; the report says so' },
  { name: '--allow-write-exec', help: 'let a path be both --rw and --rox (fs.allowWriteExec): for a build that runs what it built',
    more: 'without it such a policy is refused: the program could run files it writes' },
  { name: '--profile', value: 'PROFILE', repeat: true, help: `add what a common runtime reads and runs: ${PROFILE_NAMES.join(', ')} (exile help profiles)`, more: '`--profile node,sh` names two' },
  { name: '--no-dev', help: 'no /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom, terminal (fs.devices: false)' },
  { name: '--make-dev', value: 'DIR', repeat: true, help: 'may create device nodes in DIR (fs.makeDevices; also needs --cap-keep mknod)',
    more: '`--rw` never may: a block device made there reads a whole disk' },
  { name: '--socket', value: 'PATH', repeat: true, help: 'may connect to the UNIX socket PATH, or those in directory PATH (fs.sockets)',
    more: 'restricted from Landlock ABI 9 (Linux 7.1); `--rw` never grants it: a socket is a door to another program' },
  { name: '--no-net', help: 'no network (a network namespace, else seccomp + Landlock)' },
  { name: '--connect', value: 'PORT', repeat: true, help: 'allow TCP connections to PORT only' },
  { name: '--bind', value: 'PORT | SRC DST', arity: bindArity, repeat: true, help: `allow binding TCP PORT only; ${BIND_MOUNT_HELP}`,
    more: '`--bind` followed by digits is a port, by a path a mount' },
  { name: '--vows', value: '"VOWS"', help: 'pledge-style promises, e.g. "stdio rpath"' },
  { name: '--unshare', value: 'all|user,net,…', help: 'new namespaces: all, or a list of user mount net pid ipc uts cgroup' },
  ...VIEW_OPTIONS,
  ...CAPABILITY_OPTIONS,
  ...SECCOMP_OPTIONS,
  { name: '--best-effort', help: 'apply what this kernel can, report the rest (default: strict, fail instead)' },
];

function port(command: string, option: string, text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= 65535)) throw new UsageError(`exile ${command}: ${option} needs a port number 0-65535, got "${text}"`);
  return n;
}

function namespaces(command: string, text: string): NamespaceOptions {
  if (text === 'all') return 'all';
  const chosen: Partial<Record<NamespaceName, boolean>> = {};
  for (const name of text.split(',').map((n) => n.trim())) {
    if (!(NAMESPACE_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`exile ${command}: --unshare: unknown namespace "${name}" (use all, or ${NAMESPACE_NAMES.join(',')})`);
    }
    chosen[name as NamespaceName] = true;
  }
  return chosen;
}

/** `--vows` may narrow a policy file's vows, never widen them; an empty set is a mistake, not a sandbox. */
function narrowedVows(command: string, flag: string, fromFile: Policy['vows'], file: string | undefined): string {
  const names = flag.toLowerCase().split(/\s+/).filter((v) => v !== '');
  if (names.length === 0) throw new UsageError(`exile ${command}: --vows needs at least one vow, e.g. "stdio rpath" (see exile help vows)`);
  const granted: readonly string[] | undefined = typeof fromFile === 'string' ? fromFile.split(/\s+/) : fromFile;
  const wider = granted === undefined ? [] : names.filter((v) => v !== 'error' && !granted.includes(v));
  if (wider.length > 0) throw new UsageError(`exile ${command}: --vows would widen the vows of ${file}: ${wider.join(' ')} not granted there`);
  return flag;
}

const union = <T extends string>(a: T[] | undefined, b: T[]) => [...new Set([...(a ?? []), ...b])];

/** `--profile` values (repeated or comma-separated), each a known profile. */
function profiles(command: string, values: string[]): ProfileName[] {
  return values.flatMap((v) => v.split(',')).map((name) => name.trim()).map((name) => {
    if (!(PROFILE_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`exile ${command}: --profile: unknown profile "${name}" (use ${PROFILE_NAMES.join(', ')}; see exile help profiles)`);
    }
    return name as ProfileName;
  });
}

/**
 * The policy the flags describe: `--policy FILE` first (validated; its errors are sandbox
 * setup errors), then each flag adds to it. Bad flag values are usage errors.
 */
export function policyFromOptions(command: string, parsed: ParsedOptions): Policy {
  const { values } = parsed;
  const get = (name: string) => values.get(name) ?? [];
  const file = get('--policy')[0];
  const policy: Policy = file === undefined ? {} : loadPolicy(file);
  const ro = get('--ro');
  const rw = get('--rw');
  const rox = get('--rox');
  if (ro.length + rw.length + rox.length > 0) {
    const fs = policy.fs === false || policy.fs === undefined ? {} : policy.fs;
    if (policy.fs === false) throw new UsageError(`exile ${command}: --ro/--rox/--rw conflict with "fs": false in ${file}`);
    policy.fs = { ...fs, read: union(fs.read, ro), write: union(fs.write, rw), exec: union(fs.exec, rox) };
  }
  const named = profiles(command, get('--profile'));
  if (named.length > 0) {
    if (policy.fs === false) throw new UsageError(`exile ${command}: --profile conflicts with "fs": false in ${file}`);
    // Profiles alone make a file-system policy: what they grant, nothing else.
    policy.fs ??= {};
    policy.profiles = union(policy.profiles, named);
  }
  // These refine a file-system policy: alone, they would deny every other path.
  for (const flag of ['--allow-write-exec', '--no-dev', '--make-dev', '--socket'] as const) {
    if (values.has(flag) && (policy.fs === undefined || policy.fs === false)) {
      throw new UsageError(`exile ${command}: ${flag} needs a file-system policy (--ro, --rox, --rw, --profile or "fs" in --policy FILE)`);
    }
  }
  if (policy.fs !== undefined && policy.fs !== false) {
    if (values.has('--allow-write-exec')) policy.fs = { ...policy.fs, allowWriteExec: true };
    if (values.has('--no-dev')) policy.fs = { ...policy.fs, devices: false };
    const makeDevices = get('--make-dev');
    if (makeDevices.length > 0) policy.fs = { ...policy.fs, makeDevices: union(policy.fs.makeDevices, makeDevices) };
    const sockets = get('--socket');
    if (sockets.length > 0) policy.fs = { ...policy.fs, sockets: union(policy.fs.sockets, sockets) };
  }
  const connect = get('--connect').map((p) => port(command, '--connect', p));
  const bind = get('--bind').map((p) => port(command, '--bind', p));
  if (values.has('--no-net')) {
    if (connect.length + bind.length > 0) throw new UsageError(`exile ${command}: --no-net conflicts with --connect/--bind`);
    policy.net = false;
  } else if (connect.length + bind.length > 0) {
    if (policy.net === false) throw new UsageError(`exile ${command}: --connect/--bind would widen "net": false in ${file}`);
    const net = typeof policy.net === 'object' ? policy.net : {};
    policy.net = { connect: [...(net.connect ?? []), ...connect], bind: [...(net.bind ?? []), ...bind] };
  }
  const vows = get('--vows')[0];
  if (vows !== undefined) policy.vows = narrowedVows(command, vows, policy.vows, file);
  const unshare = get('--unshare')[0];
  if (unshare !== undefined) policy.namespaces = namespaces(command, unshare);
  addViewFlags(command, parsed, policy);
  addCapabilityFlags(command, parsed, policy, file);
  addSeccompFlags(command, parsed, policy, file);
  if (values.has('--best-effort')) policy.mode = 'best-effort';
  return policy;
}
