import { parseLandlockRecord, type Blocker, type FsAccess, type LandlockRecord, type NetAccess } from '@exile/landlock';
import { grantUnitOf } from '../learn/path-rules.js';

/** What a denied right means, and the `exile run` flag that grants it (none where no flag does). */
const FS_WORDS: Readonly<Record<FsAccess, { verb: string; flag?: '--ro' | '--rox' | '--rw' | '--socket' }>> = {
  'execute': { verb: 'execute', flag: '--rox' },
  'write-file': { verb: 'write', flag: '--rw' },
  'read-file': { verb: 'read', flag: '--ro' },
  'read-dir': { verb: 'list', flag: '--ro' },
  'remove-dir': { verb: 'remove in', flag: '--rw' },
  'remove-file': { verb: 'remove in', flag: '--rw' },
  'make-char': { verb: 'make a device in' },
  'make-dir': { verb: 'create in', flag: '--rw' },
  'make-reg': { verb: 'create in', flag: '--rw' },
  'make-sock': { verb: 'create in', flag: '--rw' },
  'make-fifo': { verb: 'create in', flag: '--rw' },
  'make-block': { verb: 'make a device in' },
  'make-sym': { verb: 'create in', flag: '--rw' },
  'refer': { verb: 'rename or link across', flag: '--rw' },
  'truncate': { verb: 'truncate', flag: '--rw' },
  'ioctl-dev': { verb: 'ioctl on' },
  'resolve-unix': { verb: 'connect to the socket', flag: '--socket' },
};
const NET_WORDS: Readonly<Record<NetAccess, { verb: string; flag?: '--connect' | '--bind' }>> = {
  'bind-tcp': { verb: 'bind TCP port', flag: '--bind' },
  'connect-tcp': { verb: 'connect to TCP port', flag: '--connect' },
  'bind-udp': { verb: 'bind UDP port' },
  'connect-send-udp': { verb: 'send to UDP port' },
};
/** When one access needs several rights, the flag that grants them all (--rw reads and writes). */
const FLAG_ORDER = ['--rw', '--rox', '--ro', '--socket'] as const;

/** The process of an audit event, from its SYSCALL record (type 1300: `pid=… comm="…"`). */
function processOf(log: readonly string[], event: string): { pid: number; comm: string } | undefined {
  const record = log.find((line) => line.includes(`type=1300 audit(${event})`));
  const pid = / pid=(\d+)/.exec(record ?? '')?.[1];
  const comm = / comm="([^"]*)"/.exec(record ?? '')?.[1];
  return pid === undefined || comm === undefined ? undefined : { pid: Number(pid), comm };
}

/** One denial in the user's words, with the flag to add where one grants it. */
function describe(record: Extract<LandlockRecord, { type: 'access' }>): string | undefined {
  const fs = record.blockers.filter((b): b is Extract<Blocker, { kind: 'fs' }> => b.kind === 'fs');
  const net = record.blockers.find((b): b is Extract<Blocker, { kind: 'net' }> => b.kind === 'net');
  if (fs.length > 0 && record.path !== undefined) {
    const verbs = [...new Set(fs.map((b) => FS_WORDS[b.right].verb))].join(' and ');
    const flags = fs.map((b) => FS_WORDS[b.right].flag);
    const flag = flags.includes(undefined) ? undefined : FLAG_ORDER.find((f) => flags.includes(f));
    const where = flag === '--socket' ? record.path : grantUnitOf(record.path);
    return `${verbs} ${record.path} denied by the file-system policy${flag === undefined ? '' : `; add ${flag} ${where}`}`;
  }
  if (net !== undefined && record.port !== undefined) {
    const { verb, flag } = NET_WORDS[net.right];
    return `${verb} ${record.port} denied by the network policy${flag === undefined ? '' : `; add ${flag} ${record.port}`}`;
  }
  return undefined;
}

/**
 * The lines for the Landlock denials of one sandbox found in the kernel log: only records of the
 * domains the sandbox's own process created (`pid`, the launcher that restricted itself before
 * exec), one line per distinct denial, naming the process that was denied (the sandbox's program
 * when the event has no SYSCALL record):
 *   `exile: cat[1234]: read /etc/hostname denied by the file-system policy; add --ro /etc/hostname`
 */
export function landlockDenialLines(log: readonly string[], sandbox: { pid: number; command: string }): string[] {
  const records = log.map(parseLandlockRecord);
  const ours = new Set<string>();
  for (const r of records) if (r?.type === 'domain' && r.status === 'allocated' && r.pid === sandbox.pid) ours.add(r.domain);
  const lines = new Set<string>();
  for (const record of records) {
    if (record?.type !== 'access' || !ours.has(record.domain)) continue;
    const what = describe(record);
    if (what === undefined) continue;
    const proc = processOf(log, record.event) ?? { pid: sandbox.pid, comm: sandbox.command.split('/').at(-1) ?? sandbox.command };
    lines.add(`exile: ${proc.comm}[${proc.pid}]: ${what}\n`);
  }
  return [...lines];
}
