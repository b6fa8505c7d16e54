import { describe, expect, it } from 'vitest';
import { seccompPolicy } from '@exile/vows';
import { callText } from '../../src/violations/call-text.js';
import { explainViolation, signalsItself, type BlockedCall } from '../../src/violations/explain-violation.js';
import { supervisedPolicy } from '../../src/violations/supervised-filter.js';
import { execRules, terminalRules } from '../../src/plan/guard-rules.js';
import { noNetworkRules, tcpOnlyRules } from '../../src/plan/net-rules.js';
import { lineReporter } from '../../src/violations/reporting.js';

const read = { string: (address: bigint) => (address === 0x1000n ? '/etc/hostname' : undefined) };
const call = (syscall: string, args: bigint[], pid = 1234): BlockedCall => {
  const { text, args: shown } = callText(syscall, args, read);
  return { pid, command: 'sh', syscall, args, shown, text };
};

describe('callText', () => {
  it('shows the key arguments as a person writes them', () => {
    expect(callText('socket', [2n, 0x80001n, 0n], read)).toEqual({ text: 'socket(AF_INET, SOCK_STREAM)', args: ['AF_INET', 'SOCK_STREAM'] });
    expect(callText('openat', [BigInt.asUintN(64, -100n), 0x1000n, 0n], read).text).toBe('openat("/etc/hostname")');
    expect(callText('kill', [1n, 9n], read).text).toBe('kill(1, SIGKILL)');
    expect(callText('socket', [99n, 1n], read).text).toBe('socket(99, SOCK_STREAM)');
    expect(callText('socket', [16n, 0x80003n, 0n], read).text).toBe('socket(AF_NETLINK, SOCK_RAW)');
    expect(callText('getpid', [], read).text).toBe('getpid');
  });
});

const context = { granted: ['stdio', 'rpath'] as const, rules: [...noNetworkRules, { syscall: 'mkdir', action: { errno: 'EACCES' } }], netRules: noNetworkRules.length };

describe('explainViolation', () => {
  it('vows: the fewest vows that allow exactly that call', () => {
    const v = explainViolation({ ...context, rules: [] }, call('socket', [1n, 1n, 0n]), { kill: true });
    expect(v).toMatchObject({ pid: 1234, syscall: 'socket', args: ['AF_UNIX', 'SOCK_STREAM'], vows: ['unix'], rule: undefined, by: 'vows', action: 'kill' });
    expect(v.message).toBe('exile: sh[1234]: socket(AF_UNIX, SOCK_STREAM) blocked by vows; add "unix" to allow\n');
    expect(explainViolation({ ...context, rules: [] }, call('openat', [0n, 0x1000n, 0o102n]), { errno: 'EPERM' }))
      .toMatchObject({ vows: ['wpath', 'cpath'], action: 'errno', errno: 'EPERM', fix: 'add "wpath" and "cpath" to allow' });
  });
  it('a call no vow allows gets the syscalls rule that allows exactly it', () => {
    const v = explainViolation(context, call('ptrace', [16n, 1n]), { kill: true });
    expect(v.vows).toBeUndefined();
    expect(v.fix).toBe('no vow allows it; add --syscall \'{"syscall":"ptrace","action":"allow","args":[{"index":0,"op":"eq","value":16,"width":32}]}\' (a syscalls rule) to allow');
  });
  it('a syscalls rule names itself by its index in the policy; the network policy says so', () => {
    expect(explainViolation(context, call('mkdir', [0x1000n]), { errno: 'EACCES' }))
      .toMatchObject({ by: 'syscalls', rule: 0, vows: undefined, message: 'exile: sh[1234]: mkdir("/etc/hostname") blocked by a syscalls rule; syscalls[0] refuses it; narrow or remove that rule to allow\n' });
    expect(explainViolation(context, call('socket', [2n, 1n, 0n]), { errno: 'EAFNOSUPPORT' })).toMatchObject({ by: 'net', rule: undefined });
  });
  it('the network policy names the flag that refused and what allows the call: TCP a port, anything else only without the flag', () => {
    const none = { ...context, rules: [...terminalRules, ...noNetworkRules], netRules: terminalRules.length + noNetworkRules.length };
    const ports = { ...context, rules: [...terminalRules, ...tcpOnlyRules], netRules: terminalRules.length + tcpOnlyRules.length };
    const netlink = explainViolation(none, call('socket', [16n, 3n, 0n]), { errno: 'EAFNOSUPPORT' });
    expect(netlink.message).toBe('exile: sh[1234]: socket(AF_NETLINK, SOCK_RAW) blocked by the network policy (--no-net); drop --no-net ("net": false) to allow it: only TCP can be limited to ports\n');
    // Every non-TCP socket has the one cause and the one fix.
    expect(explainViolation(none, call('socket', [2n, 2n, 0n]), { errno: 'EAFNOSUPPORT' }).fix).toBe(netlink.fix);
    expect(explainViolation(none, call('socket', [10n, 0x80001n, 6n]), { errno: 'EAFNOSUPPORT' }).fix)
      .toBe('replace --no-net with --connect PORT to allow TCP to PORT only ("net": { "connect": [PORT] })');
    expect(explainViolation(ports, call('socket', [2n, 2n, 0n]), { errno: 'EPROTONOSUPPORT' }).message)
      .toBe('exile: sh[1234]: socket(AF_INET, SOCK_DGRAM) blocked by the network policy (--connect/--bind: TCP only); drop --connect and --bind ("net") to allow it: exile limits TCP ports only\n');
    expect(explainViolation(ports, call('io_uring_setup', [8n, 0n]), { errno: 'ENOSYS' }).fix).toMatch(/^io_uring could open sockets unseen/);
  });
  it("exile's own guards say so, and that no flag lifts them (not the network policy)", () => {
    const guarded = { ...context, rules: [...terminalRules, ...execRules, ...noNetworkRules], netRules: terminalRules.length + execRules.length + noNetworkRules.length };
    expect(explainViolation(guarded, call('memfd_create', [0x1000n, 0n]), { errno: 'EACCES' }))
      .toMatchObject({ by: 'guard', fix: expect.stringMatching(/never allowed where --rox limits execution$/) as string });
    expect(explainViolation(guarded, call('ioctl', [0n, 0x5412n]), { errno: 'EPERM' }).message).toMatch(/blocked by exile's terminal guard; /);
  });
});

describe('signalsItself', () => {
  it('a kill or tgkill of the caller\'s own pid under "stdio", and nothing else', () => {
    expect(signalsItself(context, 'tgkill', [77n, 78n, 23n], 77)).toBe(true);
    expect(signalsItself(context, 'kill', [77n, 10n], 77)).toBe(true);
    expect(signalsItself(context, 'kill', [1n, 10n], 77)).toBe(false);
    expect(signalsItself(context, 'kill', [77n, 10n], undefined)).toBe(false);
    expect(signalsItself({ ...context, granted: undefined }, 'kill', [77n, 10n], 77)).toBe(false);
    expect(signalsItself(context, 'getpid', [77n], 77)).toBe(false);
    // A leading rule that refuses it stands.
    expect(signalsItself({ ...context, rules: [{ syscall: 'kill', action: { errno: 'EPERM' } }], netRules: 1 }, 'kill', [77n, 10n], 77)).toBe(false);
  });
});

describe('lineReporter', () => {
  it('one line per distinct call, one per network fix whatever the calls, and says whether a named call killed a process', () => {
    const lines: string[] = [];
    const reporter = lineReporter((line) => lines.push(line));
    const child = { emit: () => true } as never;
    const none = { ...context, rules: [...noNetworkRules], netRules: noNetworkRules.length };
    expect(reporter.killed()).toBe(false);
    reporter.violation(explainViolation(none, call('socket', [16n, 3n, 0n]), { errno: 'EAFNOSUPPORT' }), child);
    reporter.violation(explainViolation(none, call('socket', [2n, 2n, 0n], 99), { errno: 'EAFNOSUPPORT' }), child);
    reporter.violation(explainViolation(none, call('socket', [2n, 1n, 0n]), { errno: 'EAFNOSUPPORT' }), child);
    // Calls failed with an errno were named, but the program may have gone on without them.
    expect(reporter.killed()).toBe(false);
    reporter.violation(explainViolation(context, call('ptrace', [16n, 1n]), { kill: true }), child);
    reporter.violation(explainViolation(context, call('ptrace', [16n, 1n], 7), { kill: true }), child);
    expect(lines.map((l) => l.replace(/^exile: sh\[\d+\]: /, '').split(' blocked')[0])).toEqual(['socket(AF_NETLINK, SOCK_RAW)', 'socket(AF_INET, SOCK_STREAM)', 'ptrace(16, 1)']);
    expect(reporter.killed()).toBe(true);
  });
});

describe('supervisedPolicy', () => {
  it('sends what the policy refuses to the listener, keeps the vows\' own errno rules, and lets the launcher send the listener first', () => {
    const policy = seccompPolicy('stdio', { rules: [{ syscall: 'mkdir', action: { errno: 'EACCES' } }, { syscall: 'getpid', action: 'allow' }], runtime: 'none', report: false });
    const supervised = supervisedPolicy(policy, 2, 'pipe');
    expect(supervised.defaultAction).toBe('notify');
    expect(supervised.rules.slice(0, 2)).toEqual([
      { syscall: 'sendmsg', action: 'allow', args: [{ index: 0, op: 'eq', value: 4, width: 32 }, { index: 2, op: 'eq', value: 0x4040, width: 32 }] },
      { syscall: 'close', action: 'allow' },
    ]);
    expect(supervised.rules.slice(2, 4).map((r) => r.action)).toEqual(['notify', 'allow']);
    expect(supervised.rules.find((r) => JSON.stringify(r.syscall).includes('clone3'))?.action).toEqual({ errno: 'ENOSYS' });
    expect(supervised.badArchAction).toBe('kill-process');
  });
});
