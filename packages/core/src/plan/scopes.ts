import { SCOPES, type Scope } from '@exile/landlock';
import type { Features } from '../features.js';
import type { NormalizedPolicy } from '../policy/types.js';
import { canUnshare } from './kernel.js';
import { landlockMissing, planLandlock } from './landlock.js';
import type { NamespaceName } from './namespaces.js';
import { startsChild, type PlannedItem, type Target } from './types.js';

export interface ScopeDecision {
  /** Landlock scopes for the spec: only those this kernel's ABI has. */
  scope: Scope[];
  /** Namespaces that stand in for a scope this kernel lacks. */
  namespaces: NamespaceName[];
  items: PlannedItem[];
}

const WHAT: Record<Scope, string> = {
  'signal': 'scope: signals and ptrace (pidfd_getfd, /proc/PID/ns) only within the sandbox',
  'abstract-unix-socket': 'scope: abstract Unix sockets only within the sandbox',
};

/**
 * Which IPC scopes a target gets. A started program: `signal` always (else it can kill any
 * process of its user) and `abstract-unix-socket` (the host's X11, systemd, containerd sockets),
 * required when the policy restricts the network. This process: `abstract-unix-socket` with
 * `net: false`. Where the kernel lacks a scope (a Landlock without scopes), a child's pid namespace stands
 * in for `signal` and its network namespace for abstract sockets; otherwise strict mode refuses.
 */
export function planScopes(policy: NormalizedPolicy, f: Features, target: Target, netns: boolean): ScopeDecision {
  const wanted: [Scope, boolean][] = startsChild(target)
    ? [['signal', true], ['abstract-unix-socket', policy.net !== undefined]]
    : policy.net === false ? [['abstract-unix-socket', true]] : [];
  const decision: ScopeDecision = { scope: [], namespaces: [], items: [] };
  if (wanted.length === 0) return decision;
  // @exile/landlock decides what this kernel's ruleset can scope; a started program's is applied
  // by exile-launch (one thread before exec), this process's by restrict() on every thread.
  const ruleset = planLandlock({ scope: wanted.map(([name]) => name) }, f, startsChild(target) ? 'launcher' : 'process');
  for (const [name, required] of wanted) {
    const what = WHAT[name];
    const abi = SCOPES[name].abi;
    if (ruleset.handled.scope.includes(name)) {
      decision.scope.push(name);
      decision.items.push({ what, mechanism: `landlock ABI ${ruleset.abi}`, enforced: true, required });
    } else if (name === 'signal' && canUnshare(f)) {
      decision.namespaces.push('pid');
      decision.items.push({ what, mechanism: 'pid namespace', enforced: true, required, detail: `Landlock ABI ${abi} scope missing; processes outside have no pid in the sandbox` });
    } else if (name === 'abstract-unix-socket' && netns) {
      decision.items.push({ what, mechanism: 'network namespace', enforced: true, required, detail: `Landlock ABI ${abi} scope missing; abstract sockets belong to a network namespace` });
    } else {
      const why = ruleset.abi === 0 ? landlockMissing(f) : `needs Landlock ABI ${abi}; this kernel has ABI ${ruleset.abi}`;
      decision.items.push({ what, mechanism: 'landlock', enforced: false, required, detail: why });
    }
  }
  return decision;
}
