import { ErrorCodes, ExileError } from '@exile/common';
import { describeBypass } from '@exile/threads';
import type { Features } from '../features.js';
import type { NormalizedPolicy } from '../policy/types.js';
import { planFs } from './fs.js';
import { profileItems } from './profiles.js';
import { planNamespaces, viewNamespaces, type NamespaceName } from './namespaces.js';
import { planNet } from './net.js';
import { planPrivileges } from './privileges.js';
import { planScopes } from './scopes.js';
import { planSeccomp } from './seccomp.js';
import { planWriteExec } from './write-exec.js';
import { sessionItem } from './session.js';
import { startsChild, type LandlockStepSpec, type Plan, type PlannedItem, type Step, type Target, type View } from './types.js';

/** How a started program is started, beside its policy. */
export interface StartOptions {
  /** `setsid()` before exec (default true); false keeps the caller's session for job control. */
  newSession?: boolean;
}

/** The namespaces step with the policy's uid, gid, hostname and mounts, those it has. */
function withView(step: Extract<Step, { step: 'namespaces' }>, policy: NormalizedPolicy): Step {
  const view: View = {
    ...(policy.uid !== undefined ? { uid: policy.uid } : {}),
    ...(policy.gid !== undefined ? { gid: policy.gid } : {}),
    ...(policy.hostname !== undefined ? { hostname: policy.hostname } : {}),
    ...(policy.mounts.length > 0 ? { mounts: policy.mounts } : {}),
  };
  return Object.keys(view).length > 0 ? { ...step, view } : step;
}

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
 * `start` says how a started program is started (its session), for the report.
 */
export function plan(policy: NormalizedPolicy, features: Features, target: Target, start: StartOptions = {}): Plan {
  const writeExec = planWriteExec(policy);
  const fs = planFs(policy.fs, features, target);
  const net = planNet(policy.net, features, target);
  const scopes = planScopes(policy, features, target, net.netns);
  const extra: NamespaceName[] = [
    ...(fs.mounts ? (['mount'] as const) : []),
    ...(net.netns ? (['net'] as const) : []),
    ...scopes.namespaces,
  ];
  // The identity and mounts of the view are asked for as much as the namespaces they live in.
  const asked = viewNamespaces(policy).reduce((ns, n) => ({ ...ns, [n]: true }), policy.namespaces ?? {});
  const namespaces = planNamespaces(asked, extra, features, target);
  const privileges = planPrivileges(policy.capabilities, target, features.capabilities.effective.length > 0 || namespaces.step !== undefined);
  const seccomp = planSeccomp(policy, net.rules, features, target);
  const session = startsChild(target) ? [sessionItem(start.newSession ?? true)] : [];
  const profiles = profileItems(policy.profiles, fs.items.find((i) => i.what === 'file system'));
  const items = [...namespaces.items, ...fs.items, ...profiles, ...writeExec, ...net.items, ...scopes.items, ...seccomp.items, ...privileges.items, ...session];
  if (policy.mode === 'strict' && items.some((i) => i.required && !i.enforced)) refuse(items);

  const landlock: LandlockStepSpec | undefined = fs.landlock || net.landlock || scopes.scope.length > 0
    ? {
      ...(fs.landlock ? { fs: fs.landlock } : {}),
      ...(net.landlock ? { net: net.landlock } : {}),
      ...(scopes.scope.length > 0 ? { scope: scopes.scope } : {}),
      compat: policy.mode === 'strict' ? 'hard' : 'best-effort',
    }
    : undefined;
  if (landlock && target === 'process' && features.ioUring.sqpoll > 0) {
    throw new ExileError(ErrorCodes.IO_URING,
      `this process has ${describeBypass(features.ioUring)}; their submissions would bypass Landlock`, { ioUring: features.ioUring });
  }
  const steps: Step[] = [
    ...(namespaces.step ? [withView(namespaces.step, policy)] : []),
    ...(fs.mounts ? [fs.mounts] : []),
    ...privileges.steps,
    ...(landlock ? [{ step: 'landlock' as const, spec: landlock }] : []),
    ...(seccomp.step ? [seccomp.step] : []),
  ];
  return { target, mode: policy.mode, steps, items: items.map(({ required: _required, ...item }) => item) };
}
