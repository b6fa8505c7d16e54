import { describe, expect, it } from 'vitest';
import { seccompPolicy } from '@exile/vows';
import { callText } from '../../src/violations/call-text.js';
import { explainViolation, type BlockedCall } from '../../src/violations/explain-violation.js';
import { supervisedPolicy } from '../../src/violations/supervised-filter.js';
import { noNetworkRules } from '../../src/plan/net-rules.js';

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
    expect(callText('getpid', [], read).text).toBe('getpid');
  });
});

describe('explainViolation', () => {
  const context = { granted: ['stdio', 'rpath'] as const, rules: [...noNetworkRules, { syscall: 'mkdir', action: { errno: 'EACCES' } }], netRules: noNetworkRules.length };
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
    expect(v.fix).toBe('no vow allows it; add the syscalls rule {"syscall":"ptrace","action":"allow","args":[{"index":0,"op":"eq","value":16,"width":32}]} to allow');
  });
  it('a syscalls rule names itself by its index in the policy; the network policy says so', () => {
    expect(explainViolation(context, call('mkdir', [0x1000n]), { errno: 'EACCES' }))
      .toMatchObject({ by: 'syscalls', rule: 0, vows: undefined, message: 'exile: sh[1234]: mkdir("/etc/hostname") blocked by a syscalls rule; syscalls[0] refuses it; narrow or remove that rule to allow\n' });
    expect(explainViolation(context, call('socket', [2n, 1n, 0n]), { errno: 'EAFNOSUPPORT' })).toMatchObject({ by: 'net', rule: undefined });
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
