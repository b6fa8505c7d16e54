import { ErrorCodes, ExileError, invalid } from '@exile/common';
import { compile, targetArch } from './compile.js';
import { installInstructions, type InstallFlag } from './install-instructions.js';
import { verifiedInstructions } from './interpreter.js';
import type { BpfProgram, InstallReport, SeccompPolicy } from './types.js';

/** Options of `install()`. */
export interface InstallOptions {
  /** Install on every thread of the process at once (SECCOMP_FILTER_FLAG_TSYNC). Default true. */
  tsync?: boolean;
  /** Audit-log every action except allow (SECCOMP_FILTER_FLAG_LOG). Default false. */
  log?: boolean;
}

function isProgram(value: SeccompPolicy | BpfProgram): value is BpfProgram {
  return typeof value === 'object' && value !== null && (value as Partial<BpfProgram>).instructions instanceof Uint8Array;
}

function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalid(name, 'must be a boolean');
  return value;
}

/**
 * Compiles (if needed), verifies and installs a seccomp filter on this process: no_new_privs, then
 * seccomp(SECCOMP_SET_MODE_FILTER) with TSYNC by default, so every thread gets it atomically.
 * Validation happens before anything is applied; a TSYNC failure (a thread with a diverging
 * filter) is ERR_EXILE_THREADS naming the thread, with nothing installed.
 */
export function install(policyOrProgram: SeccompPolicy | BpfProgram, opts: InstallOptions = {}): InstallReport {
  const tsync = flag(opts.tsync, 'tsync', true);
  const log = flag(opts.log, 'log', false);
  const arch = targetArch(undefined);
  const program = isProgram(policyOrProgram) ? policyOrProgram : compile(policyOrProgram, { arch });
  if (program.arch !== arch) {
    throw new ExileError(ErrorCodes.UNSUPPORTED, `a program for ${program.arch} cannot be installed on ${arch}`, { arch: program.arch, native: arch });
  }
  verifiedInstructions(program);
  const names: InstallFlag[] = [...(tsync ? ['TSYNC' as const] : []), ...(log ? ['LOG' as const] : [])];
  const flagsValue = installInstructions(program.instructions, names);
  return { arch, length: program.length, flags: names, flagsValue, noNewPrivs: true };
}
