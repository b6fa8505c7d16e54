import { isAbsolute, resolve } from 'node:path';
import { invalid, jsonPath, within } from '@exile/common';
import { IN_POLICY } from './invalid.js';
import { mountTypes } from './shape.js';
import type { NormalizedPolicy, PolicyMount } from './types.js';

/**
 * The policy's mounts, checked per type: a bind needs a `source` (resolved against `base`, a
 * host path), targets are absolute paths inside the sandbox.
 */
export function normalizeMounts(mounts: readonly PolicyMount[] | undefined, base: string): PolicyMount[] {
  return (mounts ?? []).map((m, i) => {
    const at = `$.mounts[${i}]`;
    // The schema checked the fields' types; which of them a type takes and needs is its shape's.
    const shape = mountTypes[m.type];
    for (const key of Object.keys(m)) {
      if (key !== 'type' && key !== 'target' && !Object.hasOwn(shape.properties!, key)) throw invalid(jsonPath(at, key), `is not allowed for a ${m.type} mount`, {}, IN_POLICY);
    }
    if (!isAbsolute(m.target)) throw invalid(`${at}.target`, `must be an absolute path inside the sandbox, got ${JSON.stringify(m.target)}`, {}, IN_POLICY);
    const target = resolve(m.target);
    if (target === '/') throw invalid(`${at}.target`, 'cannot be the root itself', {}, IN_POLICY);
    for (const key of shape.required ?? []) {
      if ((m as Record<string, unknown>)[key] === undefined) throw invalid(jsonPath(at, key), `is required for a ${m.type} mount`, {}, IN_POLICY);
    }
    if (m.type !== 'bind') return { type: m.type, target };
    return { ...m, source: resolve(base, m.source), target };
  });
}

/**
 * With file-system rules, a mount target outside all of them would be reachable in the
 * mount-namespace view (no Landlock) and denied by Landlock: the same policy must mean the same
 * on every kernel, so such a policy is refused.
 */
export function checkMountsInFs(mounts: readonly PolicyMount[], fs: NormalizedPolicy['fs']): void {
  if (fs === undefined) return;
  const paths = fs === false ? [] : [...fs.read, ...fs.write, ...fs.exec];
  mounts.forEach((m, i) => {
    if (!paths.some((p) => within(m.target, p))) {
      throw invalid(`$.mounts[${i}].target`, `${m.target} is under no fs path: add it to fs.read or fs.write (--ro/--rw) to reach it`, {}, IN_POLICY);
    }
  });
}
