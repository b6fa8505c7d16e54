import type { Rule } from '../policy/types.js';

// x86_64/aarch64 values (linux/socket.h, linux/net.h, netinet/in.h).
const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_TYPE_MASK = 0xf;
/** Every socket type but SOCK_STREAM (1): dgram, raw, rdm, seqpacket, dccp, packet. */
const NON_STREAM_TYPES = [2, 3, 4, 5, 6, 10];
const IPPROTO_TCP = 6;

/** io_uring can create sockets (IORING_OP_SOCKET) without the socket() syscall the rules inspect. */
const ioUringOff: Rule = { syscall: ['io_uring_setup', 'io_uring_enter', 'io_uring_register'], action: { errno: 'ENOSYS' } };

/**
 * "No network" for seccomp: only AF_UNIX sockets can be created. Deny-only rules (first match
 * wins, so they can sit in front of the vows without widening them).
 */
export const noNetworkRules: readonly Rule[] = [
  { syscall: 'socket', action: { errno: 'EAFNOSUPPORT' }, args: [{ index: 0, op: 'ne', value: AF_UNIX, width: 32 }] },
  ioUringOff,
];

/**
 * "Only these TCP ports" for seccomp: AF_UNIX anything, AF_INET/AF_INET6 only TCP streams (the
 * ports themselves are Landlock's job); every other family and type is refused.
 */
export const tcpOnlyRules: readonly Rule[] = [
  {
    syscall: 'socket', action: { errno: 'EAFNOSUPPORT' },
    args: [AF_UNIX, AF_INET, AF_INET6].map((family) => ({ index: 0, op: 'ne' as const, value: family, width: 32 as const })),
  },
  ...NON_STREAM_TYPES.map((type): Rule => ({
    syscall: 'socket', action: { errno: 'EPROTONOSUPPORT' },
    args: [{ index: 0, op: 'ne', value: AF_UNIX, width: 32 }, { index: 1, op: 'masked-eq', mask: SOCK_TYPE_MASK, value: type, width: 32 }],
  })),
  {
    // IPPROTO_MPTCP, SCTP streams and friends are not what Landlock's TCP rules cover.
    syscall: 'socket', action: { errno: 'EPROTONOSUPPORT' },
    args: [{ index: 0, op: 'ne', value: AF_UNIX, width: 32 }, { index: 2, op: 'ne', value: 0, width: 32 }, { index: 2, op: 'ne', value: IPPROTO_TCP, width: 32 }],
  },
  ioUringOff,
];
