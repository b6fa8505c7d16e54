import { syscalls } from '@exile/seccomp';
import { kernelLog } from './kernel-log.js';

/** The seccomp audit record type (AUDIT_SECCOMP, linux/audit.h). */
const AUDIT_SECCOMP = 1326;
const SIGSYS = 31;

/**
 * The syscall the kernel logged when it killed process `pid` (or, inside a pid namespace, a
 * process named `command`) with SIGSYS: the latest seccomp audit record that matches. Undefined
 * when the kernel log is not readable or holds no such record.
 */
export function sigsysSyscall(pid: number | undefined, command: string): string | undefined {
  const ours = kernelLog().filter((r) => r.includes(`type=${AUDIT_SECCOMP} `) && r.includes(` sig=${SIGSYS} `))
    .filter((r) => r.includes(` pid=${pid} `) || r.includes(` comm="${command.slice(0, 15)}" `));
  const nr = / syscall=(\d+) /.exec(ours.at(-1) ?? '')?.[1];
  return nr === undefined ? undefined : syscalls.name(Number(nr)) ?? `syscall ${nr}`;
}

/** `exile: CMD was killed by the seccomp filter (SIGSYS)`, with the syscall where the kernel log says it. */
export function sigsysLine(command: string, pid: number | undefined): string {
  const name = command.split('/').at(-1) ?? command;
  const syscall = sigsysSyscall(pid, name);
  return `exile: ${name} was killed by the seccomp filter (SIGSYS)${syscall === undefined ? '' : ` at ${syscall}()`}\n`;
}
