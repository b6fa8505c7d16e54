import type { Features } from '../features.js';
import type { NormalizedPolicy, Rule } from '../policy/types.js';
import { canUnshare, seccompUsable, type LandlockView } from './kernel.js';
import { noNetworkRules, tcpOnlyRules } from './net-rules.js';
import { startsChild, type LandlockStepSpec, type PlannedItem, type Target } from './types.js';

/** Landlock ABI with TCP bind/connect rules. */
export const NET_TARGET_ABI = 4;

export interface NetDecision {
  landlock?: LandlockStepSpec['net'];
  rules: Rule[];
  netns: boolean;
  items: PlannedItem[];
}

function ports(list: number[]): string {
  return list.length === 0 ? 'no port' : `port${list.length > 1 ? 's' : ''} ${list.join(', ')}`;
}

/**
 * Network limits. `false`: a network namespace for a child that can have one; otherwise seccomp
 * (no socket family but AF_UNIX) plus Landlock TCP rules, which also cover inherited sockets.
 * Ports: Landlock TCP rules plus seccomp allowing only TCP streams and AF_UNIX.
 */
export function planNet(net: NormalizedPolicy['net'], f: Features, target: Target, landlock: LandlockView): NetDecision {
  if (net === undefined) return { rules: [], netns: false, items: [] };
  if (net === false && startsChild(target) && canUnshare(f)) {
    return { rules: [], netns: true, items: [{ what: 'network: none', mechanism: 'network namespace', enforced: true, required: true, detail: 'only a loopback interface exists' }] };
  }
  const abi = landlock.abi;
  const seccomp = seccompUsable(f, target);
  const items: PlannedItem[] = [];
  const tcp = net === false ? { bindTcp: [], connectTcp: [] } : { bindTcp: net.bind, connectTcp: net.connect };
  const tcpWhat = net === false ? 'network: TCP bind/connect, also on inherited sockets' : `network: TCP connect to ${ports(net.connect)}, bind to ${ports(net.bind)}`;
  // With "no network" the socket filter already stops new sockets; Landlock adds inherited ones.
  const tcpRequired = net !== false;
  if (abi >= NET_TARGET_ABI) items.push({ what: tcpWhat, mechanism: `landlock ABI ${abi}`, enforced: true, required: tcpRequired });
  else items.push({ what: tcpWhat, mechanism: 'landlock', enforced: false, required: tcpRequired, detail: abi === 0 ? landlock.missing : `needs Landlock ABI ${NET_TARGET_ABI}; this kernel has ABI ${abi}` });
  const socketWhat = net === false ? 'network: new sockets other than AF_UNIX' : 'network: sockets other than TCP and AF_UNIX';
  items.push(seccomp.ok
    ? { what: socketWhat, mechanism: 'seccomp', enforced: true, required: true, detail: 'socket() refused with EAFNOSUPPORT / EPROTONOSUPPORT; io_uring refused' }
    : { what: socketWhat, mechanism: 'seccomp', enforced: false, required: true, detail: seccomp.why });
  return {
    ...(abi >= NET_TARGET_ABI ? { landlock: tcp } : {}),
    rules: seccomp.ok ? [...(net === false ? noNetworkRules : tcpOnlyRules)] : [],
    netns: false,
    items,
  };
}
