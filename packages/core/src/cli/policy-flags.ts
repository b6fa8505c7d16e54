import type { NamespaceOptions, Policy } from '../policy/types.js';
import { loadPolicy } from '../policy/load.js';
import { NAMESPACE_NAMES, type NamespaceName } from '../plan/namespaces.js';
import type { OptionSpec, ParsedOptions } from './options.js';
import { UsageError } from './usage-error.js';

/** The options that build a policy, shared by `exile run` and `exile explain`. */
export const POLICY_OPTIONS: readonly OptionSpec[] = [
  { name: '--policy', value: 'FILE', help: 'start from a JSON policy file (flags below add to it)' },
  { name: '--ro', value: 'PATH', repeat: true, help: 'read and execute PATH (what a read-only mount means)' },
  { name: '--rw', value: 'PATH', repeat: true, help: 'read and write PATH, no execute' },
  { name: '--exec', value: 'PATH', repeat: true, help: 'read and execute PATH' },
  { name: '--no-net', help: 'no network (a network namespace, else seccomp + Landlock)' },
  { name: '--connect', value: 'PORT', repeat: true, help: 'allow TCP connections to PORT only' },
  { name: '--bind', value: 'PORT', repeat: true, help: 'allow binding TCP PORT only' },
  { name: '--vows', value: '"VOWS"', help: 'pledge-style promises, e.g. "stdio rpath"' },
  { name: '--unshare', value: 'all|user,net,…', help: 'new namespaces: all, or a list of user mount net pid ipc uts cgroup' },
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

const union = (a: string[] | undefined, b: string[]) => [...new Set([...(a ?? []), ...b])];

/**
 * The policy the flags describe: `--policy FILE` first (validated; its errors are sandbox
 * setup errors), then each flag adds to it. Bad flag values are usage errors.
 */
export function policyFromOptions(command: string, { values }: ParsedOptions): Policy {
  const get = (name: string) => values.get(name) ?? [];
  const file = get('--policy')[0];
  const policy: Policy = file === undefined ? {} : loadPolicy(file);
  const ro = get('--ro');
  const rw = get('--rw');
  const exec = get('--exec');
  if (ro.length + rw.length + exec.length > 0) {
    const fs = policy.fs === false || policy.fs === undefined ? {} : policy.fs;
    if (policy.fs === false) throw new UsageError(`exile ${command}: --ro/--rw/--exec conflict with "fs": false in ${file}`);
    policy.fs = { read: union(fs.read, ro), write: union(fs.write, rw), exec: union(fs.exec, [...ro, ...exec]) };
  }
  const connect = get('--connect').map((p) => port(command, '--connect', p));
  const bind = get('--bind').map((p) => port(command, '--bind', p));
  if (values.has('--no-net')) {
    if (connect.length + bind.length > 0) throw new UsageError(`exile ${command}: --no-net conflicts with --connect/--bind`);
    policy.net = false;
  } else if (connect.length + bind.length > 0) {
    const net = typeof policy.net === 'object' ? policy.net : {};
    policy.net = { connect: [...(net.connect ?? []), ...connect], bind: [...(net.bind ?? []), ...bind] };
  }
  const vows = get('--vows')[0];
  if (vows !== undefined) policy.vows = vows;
  const unshare = get('--unshare')[0];
  if (unshare !== undefined) policy.namespaces = namespaces(command, unshare);
  if (values.has('--best-effort')) policy.mode = 'best-effort';
  return policy;
}
