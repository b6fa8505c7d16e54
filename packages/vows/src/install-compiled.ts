import { ErrorCodes, ExileError, callNative } from '@exile/common';
import { installInstructions } from '@exile/seccomp/install';
import { native } from './native.js';

/**
 * A vow filter compiled for some process, in plain data that survives structured clone: what
 * `PreparedVows.compiled` holds and what `installCompiled()` installs, maybe in another process.
 */
export interface CompiledVows {
  /** The BPF program (8-byte sock_filter instructions). */
  instructions: Uint8Array;
  /** The SIGSYS reporter's table; absent when violations are not reported. */
  table?: Uint8Array;
  /** The pid the filter's "signals to self only" rules name: it installs only in that process. */
  pid: number;
}

let handlerReady = false;
/** The table that describes the filters in force, restored if a later install fails. */
let activeTable: Uint8Array | undefined;

/**
 * Installs a compiled vow filter on every thread of this process (TSYNC), with its violation
 * reporter. This entry point (`@exile/vows/install`) loads no compiler and no vow tables, so a
 * process that received the filter from a parent (`@exile/core`'s `launch`) starts fast. Returns
 * the instruction count. A filter compiled for another pid is refused (ERR_EXILE_INVALID_POLICY):
 * its self-signal rules would name the wrong process.
 */
export function installCompiled(compiled: CompiledVows): number {
  if (compiled.pid !== process.pid) {
    throw new ExileError(ErrorCodes.INVALID_POLICY, `the vow filter was compiled for pid ${compiled.pid}; this is pid ${process.pid}`, { pid: compiled.pid });
  }
  const { table } = compiled;
  if (table !== undefined) {
    callNative('installing the vows reporter', () => native.setTable(table));
    if (!handlerReady) {
      callNative('installing the SIGSYS handler', () => native.installHandler());
      handlerReady = true;
    }
  }
  try {
    installInstructions(compiled.instructions, ['TSYNC']);
  } catch (error) {
    // Nothing was installed: the handler must keep describing the filters that are in force.
    if (table !== undefined && activeTable !== undefined) native.setTable(activeTable);
    throw error;
  }
  if (table !== undefined) activeTable = table;
  return compiled.instructions.length / 8;
}
