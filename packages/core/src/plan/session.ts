import type { PlannedItem } from './types.js';

/**
 * The report line of a started program's session. A new session (`setsid()` before exec) has no
 * controlling terminal, so TIOCSTI on an inherited terminal fd fails for the program even without
 * seccomp; sharing the caller's session keeps job control (Ctrl-Z, `fg`) working.
 */
export function sessionItem(newSession: boolean): PlannedItem {
  return newSession
    ? { what: 'session: a new one, no controlling terminal', mechanism: 'setsid() before exec', enforced: true, required: false,
      detail: 'the program cannot push input into the caller\'s terminal; newSession: false / --share-session keeps job control' }
    : { what: 'session: the caller\'s (job control)', mechanism: 'newSession: false', enforced: false, required: false,
      detail: 'the program shares the caller\'s terminal; terminal input injection is refused by seccomp only' };
}
