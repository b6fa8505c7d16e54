import { AF, IPPROTO, SOCK, SOL_SOCKET } from './linux.js';
import { eq, masked } from './checks.js';
import type { VowRule } from './definition.js';

/** socket(family, type, protocol) for each combination; SOCK_NONBLOCK/SOCK_CLOEXEC are ignored via the type mask. */
export function socketRules(families: readonly number[], types: readonly { type: number; protocols: readonly number[] }[]): VowRule[] {
  return families.flatMap((family) => types.flatMap(({ type, protocols }) => protocols.map((protocol) => ({
    syscall: 'socket',
    args: [eq(0, family), masked(1, SOCK.TYPE_MASK, type), eq(2, protocol)],
  }))));
}

export const INET_FAMILIES = [AF.INET, AF.INET6] as const;
export const TCP = { type: SOCK.STREAM, protocols: [IPPROTO.IP, IPPROTO.TCP] } as const;
export const UDP = { type: SOCK.DGRAM, protocols: [IPPROTO.IP, IPPROTO.UDP] } as const;

type OptionTable = readonly (readonly [level: number, names: readonly number[]])[];

/** set/getsockopt allowed by (level, optname) pairs: the name alone means different things at each level. */
export function sockoptRules(syscall: 'setsockopt' | 'getsockopt', table: OptionTable): VowRule[] {
  return table.flatMap(([level, names]) => names.map((name) => ({ syscall, args: [eq(1, level), eq(2, name)] })));
}

// SOL_SOCKET: SO_TYPE 3, SO_ERROR 4, SO_SNDBUF 7, SO_RCVBUF 8, SO_KEEPALIVE 9, SO_LINGER 13, SO_PEERCRED 17,
// SO_RCVTIMEO 20, SO_SNDTIMEO 21, SO_ACCEPTCONN 30, SO_PROTOCOL 38, SO_DOMAIN 39; set: SO_REUSEADDR 2,
// SO_BROADCAST 6, SO_REUSEPORT 15.
const SOCKET_GET = [SOL_SOCKET, [2, 3, 4, 7, 8, 9, 13, 15, 17, 20, 21, 30, 38, 39]] as const;
const SOCKET_SET = [SOL_SOCKET, [2, 6, 7, 8, 9, 13, 15, 20, 21]] as const;
// IPPROTO_TCP: TCP_NODELAY 1, TCP_KEEPIDLE 4, TCP_KEEPINTVL 5, TCP_KEEPCNT 6, TCP_QUICKACK 12,
// TCP_USER_TIMEOUT 18, TCP_FASTOPEN 23 (what Node's net module and libuv set).
const TCP_OPTS = [IPPROTO.TCP, [1, 4, 5, 6, 12, 18, 23]] as const;
// IPPROTO_IP: IP_TOS 1, IP_TTL 2, IP_RECVERR 11; IPPROTO_IPV6: IPV6_UNICAST_HOPS 16, IPV6_RECVERR 25, IPV6_V6ONLY 26.
const IP_OPTS = [IPPROTO.IP, [1, 2, 11]] as const;
const IPV6_OPTS = [IPPROTO.IPV6, [16, 25, 26]] as const;

export const INET_SOCKOPTS = {
  set: [SOCKET_SET, TCP_OPTS, IP_OPTS, IPV6_OPTS] as OptionTable,
  get: [SOCKET_GET, TCP_OPTS, IP_OPTS, IPV6_OPTS] as OptionTable,
};
export const UNIX_SOCKOPTS = {
  set: [SOCKET_SET] as OptionTable,
  get: [SOCKET_GET] as OptionTable,
};
