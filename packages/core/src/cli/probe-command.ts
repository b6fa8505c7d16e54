import { FS_RIGHTS, NET_RIGHTS, SCOPES } from '@exile/landlock';
import type { Features } from '../features.js';
import { probe } from '../probe.js';
import { table } from './table.js';
import { UsageError } from './usage-error.js';

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/** Landlock rights and scopes only a newer kernel has, by the ABI that brings them. */
function newerLandlock(f: Features): string {
  if (f.landlock.status !== 'available') return 'all of Landlock';
  const abi = f.landlock.abi;
  const byAbi = new Map<number, string[]>();
  for (const [kind, table] of [['fs', FS_RIGHTS], ['net', NET_RIGHTS], ['scope', SCOPES]] as const) {
    for (const [name, info] of Object.entries(table)) {
      if (info.abi > abi) byAbi.set(info.abi, [...(byAbi.get(info.abi) ?? []), `${kind}:${name}`]);
    }
  }
  if (byAbi.size === 0) return '(none)';
  return [...byAbi].sort(([a], [b]) => a - b).map(([n, names]) => `ABI ${n}: ${names.join(' ')}`).join('; ');
}

/** The rows of `exile probe`. */
export function probeRows(f: Features): [string, string][] {
  const landlock = f.landlock.status === 'available' ? `ABI ${f.landlock.abi} (errata ${f.landlock.errata})` : f.landlock.status;
  const caps = f.capabilities.effective.map((c) => c.replace(/^CAP_/, '').toLowerCase()).join(' ');
  return [
    ['arch', f.arch],
    ['kernel', f.kernel],
    ['landlock', landlock],
    ['landlock, newer kernels', newerLandlock(f)],
    ['seccomp', f.seccomp.available ? `yes, mode ${f.seccomp.mode}, TSYNC ${yesNo(f.seccomp.tsync)}` : 'no'],
    ['seccomp actions', f.seccomp.actions.join(' ')],
    ['user namespaces', f.userNamespaces.available ? 'yes' : `no (${f.userNamespaces.reason ?? 'unknown'})`],
    ['no_new_privs', yesNo(f.noNewPrivs)],
    ['capabilities', caps === '' ? '(none)' : caps],
    ['threads', String(f.threads)],
    ['io_uring', `${f.ioUring.rings} rings, ${f.ioUring.sqpoll} SQPOLL${f.ioUring.unverified > 0 ? ` (${f.ioUring.unverified} unverifiable)` : ''}`],
  ];
}

/** `exile probe [--json]` */
export function probeCommand(args: string[], out: (text: string) => void): number {
  const unknown = args.filter((a) => a !== '--json');
  if (unknown.length > 0) throw new UsageError(`exile probe: unknown argument ${unknown[0]}`);
  const features = probe();
  out(args.includes('--json') ? JSON.stringify(features, null, 2) + '\n' : table(probeRows(features)));
  return 0;
}
