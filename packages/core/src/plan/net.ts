import type { Features } from '../features.js';
import type { NormalizedPolicy, Rule } from '../policy/types.js';
import { canUnshare, seccompUsable } from './kernel.js';
import { landlockMissing, planLandlock, rightItems } from './landlock.js';
import { noNetworkRules, tcpOnlyRules } from './net-rules.js';
import { startsChild, type LandlockStepSpec, type PlannedItem, type Target } from './types.js';

export interface NetDecision {
  landlock?: LandlockStepSpec['net'];
  rules: Rule[];
  netns: boolean;
  items: PlannedItem[];
}

function ports(list: number[]): string {
  return list.length === 0 ? 'no port' : `port${list.length > 1 ? 's' : ''} ${list.join(', ')}`;
}

function socketItem(net: false | { connect: number[]; bind: number[] }, seccomp: { ok: boolean; why: string }): PlannedItem {
  const what = net === false ? 'network: new sockets other than AF_UNIX (vsock, packet, raw, netlink, XDP, ALG, …)' : 'network: sockets other than TCP and AF_UNIX';
  return seccomp.ok
    ? { what, mechanism: 'seccomp', enforced: true, required: true, detail: 'socket() refused with EAFNOSUPPORT / EPROTONOSUPPORT; io_uring refused' }
    : { what, mechanism: 'seccomp', enforced: false, required: true, detail: seccomp.why };
}

/**
 * Network limits. `false`: seccomp (no socket family but AF_UNIX), plus a network namespace for a
 * child that can have one, otherwise Landlock TCP rules, which also cover inherited sockets.
 * Ports: Landlock TCP rules plus seccomp allowing only TCP streams and AF_UNIX.
 */
export function planNet(net: NormalizedPolicy['net'], f: Features, target: Target): NetDecision {
  if (net === undefined) return { rules: [], netns: false, items: [] };
  const seccomp = seccompUsable(f, target);
  if (net === false && startsChild(target) && canUnshare(f)) {
    // Not every socket family is namespaced (AF_VSOCK reaches the host): the socket filter too.
    return {
      rules: seccomp.ok ? [...noNetworkRules] : [],
      netns: true,
      items: [
        { what: 'network: none', mechanism: 'network namespace', enforced: true, required: true, detail: 'only a loopback interface exists' },
        socketItem(net, seccomp),
      ],
    };
  }
  const tcp = net === false ? { bindTcp: [], connectTcp: [] } : { bindTcp: net.bind, connectTcp: net.connect };
  const ruleset = planLandlock({ net: tcp }, f);
  const handles = ruleset.handled.net.length > 0;
  const tcpWhat = net === false ? 'network: TCP bind/connect, also on inherited sockets' : `network: TCP connect to ${ports(net.connect)}, bind to ${ports(net.bind)}`;
  // With "no network" the socket filter already stops new sockets; Landlock adds inherited ones.
  const tcpRequired = net !== false;
  const items: PlannedItem[] = [];
  if (handles) {
    // The socket filter refuses new UDP sockets, which Landlock handles only from its UDP rights on.
    const covered = seccomp.ok ? ' (new UDP sockets are refused by the seccomp socket filter)' : '';
    items.push({ what: tcpWhat, mechanism: `landlock ABI ${ruleset.abi}`, enforced: true, required: tcpRequired },
      ...rightItems(ruleset, (what) => (what.includes('udp') ? covered : '')));
  } else {
    const why = ruleset.abi === 0 ? landlockMissing(f) : ruleset.notEnforced.map((n) => `${n.what}: ${n.reason}`).join('; ');
    items.push({ what: tcpWhat, mechanism: 'landlock', enforced: false, required: tcpRequired, detail: why });
  }
  items.push(socketItem(net, seccomp));
  return {
    ...(handles ? { landlock: tcp } : {}),
    rules: seccomp.ok ? [...(net === false ? noNetworkRules : tcpOnlyRules)] : [],
    netns: false,
    items,
  };
}
