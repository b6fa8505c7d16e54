import { abi as landlockAbi, auditEnabled, canLog } from '@exile/landlock';
import { kernelLogReadable } from './kernel-log.js';

/**
 * Why exile cannot read the Landlock refusals of a program it starts, or undefined when it can:
 * the kernel records them only from ABI 7, and exile reads them from the audit group (root) or
 * the kernel log.
 */
export function denialsUnreadable(): string | undefined {
  const kernel = landlockAbi();
  if (!canLog(kernel)) return `Landlock ABI ${kernel.abi} records none`;
  return kernelLogReadable() ? undefined : 'this user cannot read the kernel log';
}

/** Why none was recorded where they can be read: the kernel writes them only while its audit is on. */
export function denialsUnrecorded(): string | undefined {
  const audit = auditEnabled();
  if (audit === true) return undefined;
  return audit === false ? "the kernel's audit is off" : "the kernel's audit may be off";
}

/**
 * The line after a program that failed with no refusal named, where refusals cannot be seen: the
 * failure may be the sandbox's, and `--diagnose` names what it refuses, with the flag to add.
 */
export function unseenDenialsLine(command: string, status: string, why: string): string {
  const name = command.slice(command.lastIndexOf('/') + 1);
  return `exile: ${name} ${status}; Landlock refusals cannot be named here (${why}): run again with --diagnose to name them and the flag to add\n`;
}
