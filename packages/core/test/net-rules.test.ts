import { describe, expect, it } from 'vitest';
import { compile, evaluate, syscalls } from '@exile/seccomp';
import { noNetworkRules, tcpOnlyRules } from '../src/plan/net-rules.js';
import type { Rule } from '../src/index.js';

// x86_64 values
const AF = { UNIX: 1, INET: 2, INET6: 10, NETLINK: 16, PACKET: 17, VSOCK: 40 };
const SOCK = { STREAM: 1, DGRAM: 2, RAW: 3, SEQPACKET: 5, CLOEXEC: 0o2000000, NONBLOCK: 0o4000 };
const EAFNOSUPPORT = 97;
const EPROTONOSUPPORT = 93;
const ENOSYS = 38;

function run(rules: readonly Rule[], name: string, args: number[] = []) {
  const program = compile({ defaultAction: 'allow', rules: [...rules] }, { arch: 'x86_64' });
  const nr = syscalls.number(name, 'x86_64')!;
  return evaluate(program, { nr, args: args.map(BigInt) }).action;
}

describe('network seccomp rules (compiled and run in the BPF interpreter)', () => {
  it('no network: only AF_UNIX sockets; io_uring off; everything else untouched', () => {
    expect(run(noNetworkRules, 'socket', [AF.UNIX, SOCK.STREAM, 0])).toBe('allow');
    expect(run(noNetworkRules, 'socket', [AF.UNIX, SOCK.DGRAM | SOCK.CLOEXEC, 0])).toBe('allow');
    for (const family of [AF.INET, AF.INET6, AF.NETLINK, AF.PACKET, AF.VSOCK]) {
      expect(run(noNetworkRules, 'socket', [family, SOCK.STREAM, 0])).toEqual({ errno: EAFNOSUPPORT });
    }
    expect(run(noNetworkRules, 'io_uring_setup', [8, 0])).toEqual({ errno: ENOSYS });
    expect(run(noNetworkRules, 'connect', [3, 0, 16])).toBe('allow');
    expect(run(noNetworkRules, 'read', [0, 0, 1])).toBe('allow');
  });

  it('the family check looks at the low 32 bits only (C int), so high garbage cannot sneak past', () => {
    expect(run(noNetworkRules, 'socket', [AF.UNIX, SOCK.STREAM, 0].map(Number))).toBe('allow');
    const program = compile({ defaultAction: 'allow', rules: [...noNetworkRules] }, { arch: 'x86_64' });
    const nr = syscalls.number('socket', 'x86_64')!;
    expect(evaluate(program, { nr, args: [(1n << 32n) | BigInt(AF.UNIX), 1n, 0n] }).action).toBe('allow');
    expect(evaluate(program, { nr, args: [(1n << 32n) | BigInt(AF.INET), 1n, 0n] }).action).toEqual({ errno: EAFNOSUPPORT });
  });

  it('TCP only: INET/INET6 streams with protocol 0 or TCP; UNIX anything; the rest refused', () => {
    for (const family of [AF.INET, AF.INET6]) {
      expect(run(tcpOnlyRules, 'socket', [family, SOCK.STREAM, 0])).toBe('allow');
      expect(run(tcpOnlyRules, 'socket', [family, SOCK.STREAM | SOCK.CLOEXEC | SOCK.NONBLOCK, 6])).toBe('allow');
      expect(run(tcpOnlyRules, 'socket', [family, SOCK.DGRAM, 0])).toEqual({ errno: EPROTONOSUPPORT });
      expect(run(tcpOnlyRules, 'socket', [family, SOCK.RAW, 1])).toEqual({ errno: EPROTONOSUPPORT });
      expect(run(tcpOnlyRules, 'socket', [family, SOCK.SEQPACKET, 132])).toEqual({ errno: EPROTONOSUPPORT });
      expect(run(tcpOnlyRules, 'socket', [family, SOCK.STREAM, 262])).toEqual({ errno: EPROTONOSUPPORT });
    }
    expect(run(tcpOnlyRules, 'socket', [AF.UNIX, SOCK.DGRAM, 0])).toBe('allow');
    expect(run(tcpOnlyRules, 'socket', [AF.UNIX, SOCK.SEQPACKET, 0])).toBe('allow');
    expect(run(tcpOnlyRules, 'socket', [AF.NETLINK, SOCK.RAW, 0])).toEqual({ errno: EAFNOSUPPORT });
    expect(run(tcpOnlyRules, 'io_uring_setup', [8, 0])).toEqual({ errno: ENOSYS });
  });
});
