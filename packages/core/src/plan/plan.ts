import { ErrorCodes, ExileError } from '@exile/common';
import { describeBypass } from '@exile/threads';
import type { Features } from '../features.js';
import type { NormalizedPolicy } from '../policy/types.js';
import { planFs } from './fs.js';
import { landlockView } from './kernel.js';
import { planNamespaces, type NamespaceName } from './namespaces.js';
import { planNet } from './net.js';
import { planPrivileges } from './privileges.js';
import { planSeccomp } from './seccomp.js';
import type { LandlockStepSpec, Plan, PlannedItem, Step, Target } from './types.js';

function refuse(items: PlannedItem[]): never {
  const missing = items.filter((i) => i.required && !i.enforced);
  throw new ExileError(ErrorCodes.UNSUPPORTED,
    `this kernel cannot enforce: ${missing.map((i) => `${i.what} (${i.detail ?? i.mechanism})`).join('; ')}. `
    + 'Use mode "best-effort" to apply the rest and get a report.',
    { items: missing.map(({ required: _required, ...item }) => item) });
}

/**
 * Decides how to enforce `policy` on a kernel with `features`, for this process or a child:
 * the steps in their fixed order (namespaces → mounts → caps → no_new_privs → Landlock →
 * seccomp) and a report item for every requested thing. Pure: changes nothing.
 * Strict mode throws `ERR_EXILE_UNSUPPORTED` naming everything that cannot be enforced;
 * in-process namespaces and SQPOLL io_uring rings (which bypass Landlock) fail in any mode.
 */
export function plan(policy: NormalizedPolicy, features: Features, target: Target): Plan {
  const view = landlockView(features);
  const fs = planFs(policy.fs, features, target, view);
  const net = planNet(policy.net, features, target, view);
  const extra: NamespaceName[] = [
    ...(fs.mounts ? (['mount'] as const) : []),
    ...(net.netns ? (['net'] as const) : []),
  ];
  const namespaces = planNamespaces(policy.namespaces, extra, features, target);
  const privileges = planPrivileges(policy.capabilities);
  const seccomp = planSeccomp(policy, net.rules, features, target);
  const items = [...namespaces.items, ...fs.items, ...net.items, ...seccomp.items, ...privileges.items];
  if (policy.mode === 'strict' && items.some((i) => i.required && !i.enforced)) refuse(items);

  const landlock: LandlockStepSpec | undefined = fs.landlock || net.landlock
    ? { ...(fs.landlock ? { fs: fs.landlock } : {}), ...(net.landlock ? { net: net.landlock } : {}), compat: policy.mode === 'strict' ? 'hard' : 'best-effort' }
    : undefined;
  if (landlock && target === 'process' && features.ioUring.sqpoll > 0) {
    throw new ExileError(ErrorCodes.IO_URING,
      `this process has ${describeBypass(features.ioUring)}; their submissions would bypass Landlock`, { ioUring: features.ioUring });
  }
  const steps: Step[] = [
    ...(namespaces.step ? [namespaces.step] : []),
    ...(fs.mounts ? [fs.mounts] : []),
    ...privileges.steps,
    ...(landlock ? [{ step: 'landlock' as const, spec: landlock }] : []),
    ...(seccomp.step ? [seccomp.step] : []),
  ];
  return { target, mode: policy.mode, steps, items: items.map(({ required: _required, ...item }) => item) };
}
