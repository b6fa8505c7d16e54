import { readFileSync } from 'node:fs';
import type { RulesetModel } from '@exile/landlock';
import { syscalls, type Listener, type Notification, type Rule } from '@exile/seccomp';
import { DECODED_CALLS, decodeCall } from '../learn/decode.js';
import { processContext, SocketKinds } from '../learn/process-context.js';
import { denialLine, predictDenials, type PredictedDenial } from './predict.js';

/** One predicted Landlock denial, as `spawn()` emits it (`'denial'`) and `exile run --diagnose` prints it. */
export interface Diagnosis extends PredictedDenial {
  pid: number;
  command: string;
  syscall: string;
  /** `exile: cat[1234]: read /etc/hostname denied by the file-system policy; add --ro /etc/hostname` */
  message: string;
}

/** The calls `--diagnose` watches: those that take a path or a port, and socket() to tell TCP from UDP. */
const WATCHED = [...DECODED_CALLS, 'socket'];

/** Filter rules sending the watched calls (those this architecture has) to the supervisor: sendto only with an address. */
export function diagnoseRules(): Rule[] {
  const here = WATCHED.filter((name) => syscalls.number(name) !== undefined);
  return [
    { syscall: here.filter((name) => name !== 'sendto'), action: 'notify' },
    ...(here.includes('sendto') ? [{ syscall: 'sendto', action: 'notify', args: [{ index: 4, op: 'ne', value: 0 }] } satisfies Rule] : []),
  ];
}

/** Whether task `tid` has a controlling terminal (`tty_nr` in /proc/TID/stat, after the parenthesised name). */
function hasTerminal(tid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${tid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[4] !== '0';
  } catch {
    return true;
  }
}

/** Reads a notified call and predicts what the ruleset `model` will refuse of it. */
export interface Observer {
  watches(syscall: string): boolean;
  observe(n: Notification & { syscall: string }, pid: number, command: string): Diagnosis[];
}

/**
 * The `--diagnose` observer: decodes each watched call (learn's table-driven decoder, reading the
 * caller's memory through the listener before the call runs) and evaluates it against the
 * Landlock ruleset the program got. It only predicts: the call goes on and Landlock decides.
 */
export function landlockObserver(model: RulesetModel, listener: () => Pick<Listener, 'readString' | 'readBytes'>): Observer {
  const sockets = new SocketKinds();
  const watched = new Set(WATCHED);
  return {
    watches: (syscall) => watched.has(syscall),
    observe(n, pid, command) {
      if (n.syscall === 'socket') {
        sockets.sawSocket(n.pid, n.args);
        return [];
      }
      const decoded = decodeCall(n.syscall, n.args, pid, processContext(listener(), n, sockets));
      // Without a controlling terminal (a started program's own session) /dev/tty fails ENXIO whatever Landlock says: not worth a line.
      return predictDenials(model, decoded).filter((d) => d.path !== '/dev/tty' || hasTerminal(n.pid)).map((d) => ({ ...d, pid, command, syscall: n.syscall, message: denialLine(command, pid, d) }));
    },
  };
}
