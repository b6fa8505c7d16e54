import { LISTENER_HANDOVER_FLAGS, listenerFd, type LaunchOptions } from '@exile/namespaces';
import type { Rule } from '@exile/seccomp';

/**
 * What a filter installed with a listener must let through: right after installing it, before
 * anyone could answer a notification, exile-launch sends the listener fd to the parent with
 * sendmsg() on its socket and closes both. A notified sendmsg there would wait forever.
 */
export function handoverRules(stdio: LaunchOptions['stdio']): Rule[] {
  return [
    { syscall: 'sendmsg', action: 'allow', args: [{ index: 0, op: 'eq', value: listenerFd(stdio), width: 32 }, { index: 2, op: 'eq', value: LISTENER_HANDOVER_FLAGS, width: 32 }] },
    { syscall: 'close', action: 'allow' },
  ];
}
