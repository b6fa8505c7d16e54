import type { PreExecStep } from './options.js';
import { STEP_ORDER, type LaunchPlanStep } from './plan.js';
import { invalid } from '@exile/common';
import { integer, isRecord, knownKeys } from './validate.js';

const MAX_FILTER_INSTRUCTIONS = 4096;
/** The launcher's bound on one record (native/plan.c MAX_STRING). */
const MAX_RECORD_BYTES = 65536;
/** The launcher's bound on a Landlock ruleset: the whole plan's (native/plan.h PLAN_MAX_BYTES), since a launched module's code is granted file by file. */
const MAX_RULESET_BYTES = 4 << 20;
/** TSYNC, LOG, SPEC_ALLOW: the seccomp flags that do not hand an fd to the launcher. */
const SECCOMP_FLAGS = 0x7;
/** SECCOMP_FILTER_FLAG_NEW_LISTENER: set by the `listener` option, never by `flags`. */
const NEW_LISTENER = 0x8;

function landlock(step: Record<string, unknown>, path: string): LaunchPlanStep {
  knownKeys(step, ['type', 'ruleset'], path);
  const ruleset = step.ruleset;
  if (!(ruleset instanceof Uint8Array) || ruleset.length === 0 || ruleset.length > MAX_RULESET_BYTES) {
    throw invalid(`${path}.ruleset`, `must be the Uint8Array of @exile/landlock's compile() (1 to ${MAX_RULESET_BYTES} bytes)`);
  }
  return { step: 'landlock', ruleset: ruleset.slice() };
}

const MAX_PID_SLOTS = 64;

/** Pid slots index the filter (the launcher also checks that each names a `jeq #k`). */
function pidSlots(slots: unknown, filter: Uint8Array, path: string): number[] {
  if (slots === undefined) return [];
  if (!Array.isArray(slots) || slots.length > MAX_PID_SLOTS) throw invalid(path, `must be an array of at most ${MAX_PID_SLOTS} instruction indexes`);
  return slots.map((slot, i) => integer(slot, `${path}[${i}]`, 0, filter.length / 8 - 1));
}

function one(step: unknown, path: string): LaunchPlanStep {
  if (!isRecord(step)) throw invalid(path, 'must be an object');
  switch (step.type as PreExecStep['type']) {
    case 'landlock':
      return landlock(step, path);
    case 'caps': {
      knownKeys(step, ['type', 'ops'], path);
      if (!(step.ops instanceof Uint8Array) || step.ops.length === 0 || step.ops.length > MAX_RECORD_BYTES) {
        throw invalid(`${path}.ops`, "must be the Uint8Array of @exile/caps' dropOpsBeforeExec()");
      }
      return { step: 'caps', ops: step.ops.slice() };
    }
    case 'no-new-privs':
      knownKeys(step, ['type'], path);
      return { step: 'no-new-privs' };
    case 'seccomp': {
      knownKeys(step, ['type', 'filter', 'flags', 'listener', 'pidSlots'], path);
      const filter = step.filter;
      if (!(filter instanceof Uint8Array) || filter.length === 0 || filter.length % 8 !== 0 || filter.length / 8 > MAX_FILTER_INSTRUCTIONS) {
        throw invalid(`${path}.filter`, `must be a Uint8Array of 1 to ${MAX_FILTER_INSTRUCTIONS} sock_filter instructions (8 bytes each)`);
      }
      const flags = step.flags === undefined ? 0 : integer(step.flags, `${path}.flags`, 0, SECCOMP_FLAGS);
      if ((flags & ~SECCOMP_FLAGS) !== 0) throw invalid(`${path}.flags`, 'only TSYNC, LOG and SPEC_ALLOW are allowed');
      const slots = pidSlots(step.pidSlots, filter, `${path}.pidSlots`);
      if (step.listener === undefined) return { step: 'seccomp', flags, filter: filter.slice(), pidSlots: slots };
      const listener = integer(step.listener, `${path}.listener`, 0, 0x7fff_ffff);
      return { step: 'seccomp', flags: flags | NEW_LISTENER, filter: filter.slice(), pidSlots: slots, listener };
    }
    default:
      throw invalid(`${path}.type`, 'must be one of landlock, caps, no-new-privs, seccomp');
  }
}

/** Validates the pre-exec steps and puts them in execution order (stable within a kind). */
export function preExecSteps(steps: unknown, path: string): LaunchPlanStep[] {
  if (steps === undefined) return [];
  if (!Array.isArray(steps)) throw invalid(path, 'must be an array');
  const planned = steps.map((s, i) => one(s, `${path}[${i}]`));
  const listeners = planned.flatMap((s, i) => (s.step === 'seccomp' && s.listener !== undefined ? [i] : []));
  if (listeners.length > 1) throw invalid(`${path}[${listeners[1]}].listener`, 'only one seccomp step can have a listener (the kernel allows one per task)');
  return planned.map((s, i) => ({ s, i })).sort((a, b) => STEP_ORDER.indexOf(a.s.step) - STEP_ORDER.indexOf(b.s.step) || a.i - b.i).map(({ s }) => s);
}
