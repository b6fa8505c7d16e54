import { posix } from 'node:path';
import { within } from '@exile/common';
import { AF, coverCalls, suggestRules, type ObservedCall, type Vow } from '@exile/vows';
import { DEVICE_RULES } from '../plan/devices.js';
import type { Policy } from '../policy/types.js';
import type { FileEvent, NetEvent } from './events.js';
import type { Observed } from './recording.js';
import { generaliseFiles, type PathFacts } from './generalise.js';
import { minimal } from './path-rules.js';

/** glibc's resolver talks to name servers over UDP on this port. */
const DNS_PORT = 53;

const sorted = (ports: Iterable<number>): number[] => [...new Set(ports)].sort((a, b) => a - b);

/**
 * The `net` part: `false` when the run used no IP network; otherwise the TCP ports it connected
 * to and bound. UDP cannot be limited by port (exile's port rules are TCP), so real UDP traffic
 * (DNS, a UDP bind) leaves the network unrestricted, with a warning. A UDP connect to any other
 * port is glibc's address-sorting probe (getaddrinfo connects a UDP socket to learn the source
 * address and never sends): not network use.
 */
export function learnedNet(events: readonly NetEvent[], warnings: string[]): Policy['net'] {
  const ip = events.filter((event) => event.family === 'inet' || event.family === 'inet6');
  const udp = ip.filter((event) => event.protocol === 'udp' && (event.op === 'bind' || event.port === DNS_PORT));
  if (udp.length > 0) {
    const what = udp.map((event) => `${event.op} UDP port ${event.port ?? '?'}`);
    warnings.push(`the run used UDP (${[...new Set(what)].join(', ')}); exile limits TCP ports only, so the network is left unrestricted`);
    return true;
  }
  const tcp = ip.filter((event) => event.protocol !== 'udp');
  if (tcp.length === 0) return false;
  const connect = sorted(tcp.filter((e) => e.op === 'connect' && e.port !== undefined).map((e) => e.port!));
  const bind = sorted(tcp.filter((e) => e.op === 'bind' && e.port !== undefined).map((e) => e.port!));
  return { ...(connect.length > 0 ? { connect } : {}), ...(bind.length > 0 ? { bind } : {}) };
}

const DEVICES: ReadonlySet<string> = new Set(DEVICE_RULES.map((rule) => rule.path));

/** Every started program may use the harmless devices and its terminal (`fs.devices`): nothing to learn. */
export function byDefault(path: string): boolean {
  return DEVICES.has(path) || path === '/dev/tty' || path.startsWith('/dev/pts/');
}

/**
 * `stdio` always (its calls are not recorded one by one), and `inet` when the run connected over
 * IP. Seccomp cannot see a descriptor's family, so without it the cheapest cover of a TCP client
 * that also opened a Unix socket is accept-only `anet` plus `unix` (whose connect() lets the TCP
 * connect through): enforced the same, but it names a client as a server.
 */
function requiredVows(net: readonly NetEvent[]): Vow[] {
  const connects = net.some((event) => event.op === 'connect' && (event.family === 'inet' || event.family === 'inet6') && event.protocol !== 'udp');
  return connects ? ['stdio', 'inet'] : ['stdio'];
}

/**
 * The pathname UNIX sockets the run connected or sent to and that are there (`fs.sockets`): glibc
 * probes nscd's socket in most programs, and a missing one needs no grant. One the run bound itself
 * is granted by its directory: it is made anew each run.
 */
export function learnedSockets(events: readonly NetEvent[], facts: PathFacts): string[] {
  const paths = (op: NetEvent['op']) => events.filter((e) => e.family === 'unix' && e.op === op && e.path?.startsWith('/') === true).map((e) => posix.normalize(e.path!));
  // A socket the run bound itself is new next time (a Landlock rule needs a path that is there): its directory.
  const bound = new Set(paths('bind'));
  return minimal(paths('connect').flatMap((path) => {
    if (bound.has(path)) return [posix.dirname(path)];
    return facts.entries(posix.dirname(path))?.includes(posix.basename(path)) === true ? [path] : [];
  }));
}

/** A call as the run recorded it: its arguments as numbers, or as the hex text `Observed` keeps. */
type RecordedCall = { syscall: string; args?: readonly (number | bigint | string)[] };
/** A socket() call's address family, as the kernel reads it (an int). */
const familyOf = (call: RecordedCall): number => Number(BigInt.asIntN(32, BigInt(call.args?.[0] ?? 0)));
const netlinkSocket = (call: RecordedCall): boolean => call.syscall === 'socket' && familyOf(call) === AF.NETLINK;

/**
 * A socket `"net": false` refuses before the vows see it (every family but AF_UNIX: netlink for
 * the network interfaces, glibc's UDP probe): it needs no vow, and a rule for it would never be
 * reached. Under the policy the program gets EAFNOSUPPORT there, and exile names the refusal.
 */
const refusedWithoutNet = (call: ObservedCall): boolean => call.syscall === 'socket' && familyOf(call) !== AF.UNIX;

/** Whether `policy` refuses, by design and with the warning below, a netlink socket the run opened
 *  (`observed` from the same run): "net": false leaves no way to allow one alone. */
export function refusesOwnNetlink(policy: Policy, observed: Observed): boolean {
  return policy.net === false && observed.syscalls.some(netlinkSocket);
}

/** The recording of one run, as the learner hands it over. */
export interface RecordedRun {
  files: readonly FileEvent[];
  net: readonly NetEvent[];
  calls: readonly ObservedCall[];
}

/**
 * The tightest policy in exile's vocabulary that lets the recorded run work: `fs` from the paths
 * (generalised, never wider than a person would write), `net` from the sockets, `vows` as the
 * smallest set covering every recorded call (`stdio` always: its calls are not recorded one by
 * one), and `syscalls` rules for the calls no vow allows.
 */
export function learnedPolicy(run: RecordedRun, facts: PathFacts): { policy: Policy; warnings: string[] } {
  const fs = generaliseFiles(run.files.filter((file) => !byDefault(file.path)), facts);
  const warnings = [...fs.warnings];
  const net = learnedNet(run.net, warnings);
  const refused = net === false ? run.calls.filter(refusedWithoutNet) : [];
  const calls = run.calls.filter((call) => !refused.includes(call));
  const netlink = refused.some(netlinkSocket);
  // glibc's UDP probe is made to fail quietly; a netlink socket (the network interfaces) may not be.
  if (netlink) warnings.push('the run opened a netlink socket (the network interfaces, as npm and os.networkInterfaces() ask): "net": false refuses it; drop --no-net if the program needs it');
  const { vows, uncovered } = coverCalls(calls, { required: requiredVows(run.net) });
  const sockets = learnedSockets(run.net, facts);
  const policy: Policy = { fs: { read: fs.read, write: fs.write, exec: fs.exec, ...(sockets.length > 0 ? { sockets } : {}) }, net, vows: vows.join(' ') };
  // A build that runs what it built needs both on one tree: said, not hidden.
  const overlap = fs.exec.filter((exec) => fs.write.some((write) => within(exec, write) || within(write, exec)));
  if (overlap.length > 0) {
    policy.fs = { ...policy.fs, allowWriteExec: true };
    warnings.push(`the run executed files in a tree it may write (${overlap.join(', ')}): "allowWriteExec" is set; drop it if that is not part of the job`);
  }
  if (uncovered.length > 0) policy.syscalls = suggestRules(uncovered);
  return { policy, warnings };
}
