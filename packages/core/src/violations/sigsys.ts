import { syscalls } from '@exile/seccomp';
import type { KernelLogFromNow } from './kernel-log.js';

/** The seccomp audit record type (AUDIT_SECCOMP, linux/audit.h). */
const AUDIT_SECCOMP = 1326;
const SIGSYS = 31;

/**
 * The syscall the kernel logged when it killed process `pid` (or, inside a pid namespace, a
 * process named `command`) with SIGSYS: the latest seccomp audit record among `records` that
 * matches. Undefined when there is no such record.
 */
export function sigsysSyscall(records: string[], pid: number | undefined, command: string): string | undefined {
  const ours = records.filter((r) => r.includes(`type=${AUDIT_SECCOMP} `) && r.includes(` sig=${SIGSYS} `))
    .filter((r) => r.includes(` pid=${pid} `) || r.includes(` comm="${command.slice(0, 15)}" `));
  const nr = / syscall=(\d+) /.exec(ours.at(-1) ?? '')?.[1];
  return nr === undefined ? undefined : syscalls.name(Number(nr)) ?? `syscall ${nr}`;
}

/** How long a kill waits for its record: the kernel's audit thread logs it after the process is gone. */
const RECORD_WAIT_MS = 500;
const RECORD_POLL_MS = 10;

/** The syscall of the kill of `pid`, read from `log` as its record arrives (bounded by RECORD_WAIT_MS). */
function killedAt(log: KernelLogFromNow, pid: number | undefined, command: string): string | undefined {
  const records: string[] = [];
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; ; waited += RECORD_POLL_MS) {
    records.push(...log.read());
    const syscall = sigsysSyscall(records, pid, command);
    if (syscall !== undefined || waited >= RECORD_WAIT_MS) return syscall;
    Atomics.wait(pause, 0, 0, RECORD_POLL_MS);
  }
}

/** `exile: CMD was killed by the seccomp filter (SIGSYS)`, with the syscall where the kernel log,
 *  read from the program's start, says it. Closes `log`. */
export function sigsysLine(command: string, pid: number | undefined, log: KernelLogFromNow | undefined): string {
  const name = command.split('/').at(-1) ?? command;
  const syscall = log === undefined ? undefined : killedAt(log, pid, name);
  log?.close();
  return `exile: ${name} was killed by the seccomp filter (SIGSYS)${syscall === undefined ? '' : ` at ${syscall}()`}\n`;
}
