import { ErrorCodes, ExileError } from '@exile/common';
import { availableActions, compile as compileBpf, constantSlots, nativeArch, type ActionName, type BpfProgram } from '@exile/seccomp';
import { installCompiled, NO_PID, stageCompiled, type CompiledVows } from './install-compiled.js';
import type { Vow } from './names.js';
import { parseWithModifiers, type ParsedVows } from './parse.js';
import { resolveOptions, type ResolvedOptions, type VowOptions } from './options.js';
import { seccompPolicyParsed } from './seccomp-policy.js';
import { reportTable, tableValueSlots } from './report-table.js';
import { VOW_ARCHES, type Arch } from './policy-types.js';

/** What `vow()` installed. */
export interface VowReport {
  /** The vows now granted by this call's filter (earlier filters still apply: the result is their intersection). */
  vows: Vow[];
  penalty: 'kill' | 'errno';
  /** The errno name of the `errno` penalty. */
  errno?: string;
  /** Violations are reported on stderr by the SIGSYS handler. */
  report: boolean;
  runtime: 'node' | 'program' | 'none';
  arch: Arch;
  /** BPF instructions in the installed filter. */
  length: number;
  /** SECCOMP_FILTER_FLAG_* names used. */
  flags: string[];
  /** How many vow() filters this process has installed, this one included. */
  filters: number;
  /** Vows whose meaning seccomp cannot fully enforce on its own, with the reason. */
  caveats: { vow: Vow; reason: string }[];
}

const CAVEATS: Partial<Record<Vow, string>> = {
  tmppath: 'seccomp cannot see paths: file creation is allowed everywhere the file system permits; confine it to the temp dir with Landlock',
  dns: 'read-only opens of any path (the resolver reads /etc files) and AF_UNIX stream connections to any socket (nscd) are allowed; confine with Landlock',
  sendfd: 'BPF cannot look inside sendmsg(): any message is allowed',
  recvfd: 'BPF cannot look inside recvmsg(): any message is allowed',
};

/** Kernel features, probed once before the first filter (a later filter could forbid the probe). */
let features: { actions: ReadonlySet<ActionName> } | undefined;
let filters = 0;

function probe(): { actions: ReadonlySet<ActionName> } {
  features ??= { actions: new Set(availableActions()) };
  return features;
}

function supportedArch(): Arch {
  const arch = nativeArch();
  if (!VOW_ARCHES.includes(arch as Arch)) {
    throw new ExileError(ErrorCodes.UNSUPPORTED, `vows support ${VOW_ARCHES.join(' and ')}, not ${arch ?? process.arch}`, { arch: arch ?? process.arch });
  }
  return arch as Arch;
}

/** Vows compiled and checked for this process, ready to install: `vow()` in two halves. */
export interface PreparedVows {
  /** The vows the filter grants. */
  readonly vows: Vow[];
  /** The compiled filter (`program.length` instructions, `program.disassemble()`). */
  readonly program: BpfProgram;
  /** The filter and reporter table as plain data, for `installCompiled()` from `@exile/vows/install` in the process it was compiled for. */
  readonly compiled: CompiledVows;
  /** Installs the filter on every thread (TSYNC), with the violation reporter. Each call stacks one more filter. */
  install(): VowReport;
}

/**
 * Vows prepared in this process, by everything that decides their filter and table (vows, options,
 * pid, arch): a second `vow()` or `prepareVow()` of the same does not compile again. Bounded, since
 * a filter for another process names that pid.
 */
const prepared = new Map<string, PreparedVows>();
const PREPARED_MAX = 16;

/** `prepareVow()` options: VowOptions plus the process the filter is for. */
export interface PrepareOptions extends VowOptions {
  /**
   * The pid that "signals to self only" names (default: this process). A filter prepared for
   * another process is installed there with `installCompiled(prepared.compiled)`; its `install()` refuses.
   * `NO_PID`: for whichever process installs it (`compiled.pidSlots`), so one compilation serves many processes.
   */
  pid?: number;
}

/**
 * The first half of `vow()`: parses, compiles the filter and the reporter's table, and checks
 * the kernel has the seccomp action the penalty needs — everything that can fail for a reason
 * known in advance — without changing anything. `install()` is the second half. For callers
 * with a point of no return (`@exile/core`'s `enable`), so the filter is compiled once, before it.
 * Throws like `vow()` (`ERR_EXILE_UNKNOWN_VOW`, `ERR_EXILE_INVALID_POLICY`, `ERR_EXILE_UNSUPPORTED`).
 */
export function prepareVow(vows: string | readonly string[], options?: PrepareOptions): PreparedVows {
  const parsed = parseWithModifiers(vows);
  const resolved = resolveOptions(options, parsed.error);
  const arch = supportedArch();
  const pid = options?.pid ?? process.pid;
  const key = JSON.stringify([parsed.vows, resolved, pid, arch], (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));
  let cached = prepared.get(key);
  if (cached === undefined) {
    cached = compileVows(parsed, resolved, arch, pid);
    if (prepared.size >= PREPARED_MAX) prepared.delete(prepared.keys().next().value!);
  } else if (pid === process.pid) {
    stageCompiled(cached.compiled);
  }
  // Most recently used last, so the bound drops the filter unused the longest.
  prepared.delete(key);
  prepared.set(key, cached);
  return cached;
}

function compileVows(parsed: ParsedVows, resolved: ResolvedOptions, arch: Arch, pid: number): PreparedVows {
  const program = compileBpf(seccompPolicyParsed(parsed.vows, resolved, pid), { arch });
  const { actions } = probe();
  const needed: ActionName = resolved.report ? 'trap' : resolved.penalty === 'kill' ? 'kill-process' : 'errno';
  if (!actions.has(needed)) {
    throw new ExileError(ErrorCodes.UNSUPPORTED, `this kernel lacks the seccomp action ${needed}`, { action: needed });
  }
  const table = resolved.report ? reportTable(parsed.vows, arch, pid) : undefined;
  const compiled: CompiledVows = { instructions: program.instructions, pid, ...(table === undefined ? {} : { table }),
    ...(pid === NO_PID ? { pidSlots: { instructions: constantSlots(program.instructions, NO_PID), table: table === undefined ? [] : tableValueSlots(table, NO_PID) } } : {}) };
  if (pid === process.pid) stageCompiled(compiled);
  // In parentheses, V8 compiles it with this function (an eager-compile hint), not at its first
  // call, at a caller's point of no return.
  const install = (function install(): VowReport {
    const length = installCompiled(compiled);
    filters += 1;
    return {
      vows: parsed.vows,
      penalty: resolved.penalty,
      ...(resolved.penalty === 'errno' ? { errno: resolved.errnoName } : {}),
      report: resolved.report,
      runtime: resolved.runtime,
      arch,
      length,
      flags: ['TSYNC'],
      filters,
      caveats: parsed.vows.flatMap((name) => (CAVEATS[name] === undefined ? [] : [{ vow: name, reason: CAVEATS[name] }])),
    };
  });
  return { vows: parsed.vows, program, compiled, install };
}

/**
 * Promises what this process will do from now on — `vow('stdio rpath inet')` — and installs a
 * seccomp filter on every thread (TSYNC) that refuses everything else: with the default `kill`
 * penalty the process dies by SIGSYS after one stderr line naming the syscall and the vow that
 * would allow it; with `errno` the call fails. Repeated calls can only remove permissions.
 * Bad input throws before anything is installed.
 */
export function vow(vows: string | readonly string[], options?: VowOptions): VowReport {
  return prepareVow(vows, options).install();
}
