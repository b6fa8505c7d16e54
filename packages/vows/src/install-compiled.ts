import { ErrorCodes, ExileError, callNative } from '@exile/common';
import { fillSlots, installInstructions } from '@exile/seccomp/install';
import { native } from './native.js';

/**
 * A pid no process has (above any pid_max): a filter compiled for it names no process until its
 * slots are filled, and left unfilled it fails closed (self-signals fail, nobody else can be
 * signalled). `prepareVow(vows, { pid: NO_PID })` compiles a filter any process can install;
 * `@exile/core` compiles started programs' filters with it for exile-launch to fill.
 */
export const NO_PID = 0x7fffffff;

/** Where a filter compiled for `NO_PID` names it: BPF instruction indexes (`jeq`), and byte offsets of the reporter table's argument checks (u64). */
export interface PidSlots {
  instructions: number[];
  table: number[];
}

/**
 * A vow filter compiled for some process, in plain data that survives structured clone: what
 * `PreparedVows.compiled` holds and what `installCompiled()` installs, maybe in another process.
 */
export interface CompiledVows {
  /** The BPF program (8-byte sock_filter instructions). */
  instructions: Uint8Array;
  /** The SIGSYS reporter's table; absent when violations are not reported. */
  table?: Uint8Array;
  /** The pid the filter's "signals to self only" rules name: it installs only in that process (`NO_PID`: in any, see `pidSlots`). */
  pid: number;
  /** With `pid` NO_PID: where the installing process puts its own pid. */
  pidSlots?: PidSlots;
}

/**
 * Where a violation that kills the process is recorded besides stderr: `token`, then a record of
 * the call (`readViolationRecord()` reads it), on `fd`. A parent that gave the process `fd` and
 * chose `token` learns which call broke the policy, as data, without parsing what the process
 * writes to stderr (`@exile/core`'s `launch()`).
 */
export interface ViolationRecord {
  fd: number;
  /** At most 64 bytes. */
  token: Uint8Array;
}

let handlerReady = false;
/** The table that describes the filters in force, restored if a later install fails. */
let activeTable: Uint8Array | undefined;

/** The filter and table for this process: as compiled for it, or filled in with its pid. */
function forThisProcess(compiled: CompiledVows): Pick<CompiledVows, 'instructions' | 'table'> {
  const { pidSlots, instructions, table } = compiled;
  if (compiled.pid === NO_PID && pidSlots !== undefined) {
    const filled = table?.slice();
    if (filled !== undefined) {
      const view = new DataView(filled.buffer);
      for (const at of pidSlots.table) view.setBigUint64(at, BigInt(process.pid), true);
    }
    return { instructions: fillSlots(instructions, pidSlots.instructions, process.pid), ...(filled === undefined ? {} : { table: filled }) };
  }
  if (compiled.pid !== process.pid) {
    throw new ExileError(ErrorCodes.INVALID_POLICY, `the vow filter was compiled for pid ${compiled.pid}; this is pid ${process.pid}`, { pid: compiled.pid });
  }
  return { instructions, ...(table === undefined ? {} : { table }) };
}

/**
 * Copies the reporter's table of a filter compiled for this process to where `installCompiled()`
 * of it will find it: installing then only switches tables, and the copy (page faults into
 * memory the reporter never touched) happens before a caller's point of no return.
 */
export function stageCompiled(compiled: CompiledVows): void {
  const { table } = forThisProcess(compiled);
  if (table !== undefined) callNative('staging the vows reporter table', () => native.stageTable(table));
}

/**
 * Installs a compiled vow filter on every thread of this process (TSYNC), with its violation
 * reporter. This entry point (`@exile/vows/install`) loads no compiler and no vow tables, so a
 * process that received the filter from a parent (`@exile/core`'s `launch`) starts fast. Returns
 * the instruction count. `record`: a second channel for a record of a violation that kills. A filter compiled for another pid is refused (ERR_EXILE_INVALID_POLICY):
 * its self-signal rules would name the wrong process. One compiled for `NO_PID` with its
 * `pidSlots` installs anywhere, with this process's pid put in those slots first. In parentheses,
 * V8 compiles it when this module loads (an eager-compile hint), not at its first call, which is
 * often a caller's point of no return.
 */
export const installCompiled = (function installCompiled(compiled: CompiledVows, record?: ViolationRecord): number {
  const { instructions, table } = forThisProcess(compiled);
  if (table !== undefined) {
    callNative('installing the vows reporter', () => native.setTable(table));
    if (record !== undefined) callNative('setting the violation record channel', () => native.setRecord(record.fd, record.token, process.pid));
    if (!handlerReady) {
      callNative('installing the SIGSYS handler', () => native.installHandler());
      handlerReady = true;
    }
  }
  try {
    installInstructions(instructions, ['TSYNC']);
  } catch (error) {
    // Nothing was installed: the handler must keep describing the filters that are in force.
    if (table !== undefined && activeTable !== undefined) native.setTable(activeTable);
    throw error;
  }
  if (table !== undefined) activeTable = table;
  return instructions.length / 8;
});
