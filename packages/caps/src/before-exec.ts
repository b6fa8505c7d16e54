import { encodeOps } from '@exile/threads';
import { planDrop, type DropOptions } from './plan.js';
import { readRaw, type RawCapState } from './state.js';

/**
 * A process that has just created a user namespace: every capability in it, a full bounding set,
 * nothing inheritable or ambient, default securebits (the kernel's set_cred_user_ns()).
 */
export function newUserNamespaceState(lastCap: number): RawCapState {
  const all = (1n << BigInt(lastCap + 1)) - 1n;
  return { effective: all, permitted: all, inheritable: 0n, ambient: 0n, bounding: all, securebits: 0, noNewPrivs: false, lastCap };
}

/**
 * drop()'s recipe for a program that exile-launch (@exile/namespaces) is about to exec: the same
 * ops, planned against the capabilities the launcher holds at that point — every one in a new
 * user namespace, otherwise this process's own (an execve keeps root's and an unprivileged
 * process's alike) — and encoded for the engine the launcher links. Pass the result as the
 * launcher's `{ type: 'caps', ops }` pre-exec step. no_new_privs comes first, as in drop().
 */
export function dropOpsBeforeExec(opts: DropOptions, launcher: { userNamespace: boolean }): Uint8Array {
  const state = readRaw();
  const plan = planDrop(launcher.userNamespace ? newUserNamespaceState(state.lastCap) : state, opts);
  const words = encodeOps(plan.ops);
  return new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
}
