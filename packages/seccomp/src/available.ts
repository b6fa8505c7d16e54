import { callNative } from '@exile/common';
import { ACTION_VALUES, type ActionName } from './actions.js';
import { native } from './native.js';

/** The seccomp return actions this kernel supports (SECCOMP_GET_ACTION_AVAIL). */
export function availableActions(): ActionName[] {
  return (Object.keys(ACTION_VALUES) as ActionName[])
    .filter((name) => callNative('asking for seccomp actions', () => native.actionAvailable(ACTION_VALUES[name])));
}
