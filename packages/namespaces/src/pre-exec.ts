import type { PreExecStep } from './options.js';
import { STEP_ORDER, type LandlockRule, type PlanStep } from './plan.js';
import { absolutePath, integer, invalid, isRecord, knownKeys, mask } from './validate.js';

/** Landlock ruleset attr sizes: handled_access_fs (ABI 1), + handled_access_net (4), + scoped (6). */
function attrSize(abi: number | undefined, net: bigint, scoped: bigint, path: string): 8 | 16 | 24 {
  const needed = scoped !== 0n ? 24 : net !== 0n ? 16 : 8;
  if (abi === undefined) return needed;
  const size = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
  if (size < needed) invalid(`${path}.abi`, `ABI ${abi} has no ${needed === 24 ? 'scoped' : 'handledAccessNet'} field`);
  return size;
}

const MAX_FILTER_INSTRUCTIONS = 4096;
/** TSYNC, LOG, SPEC_ALLOW: the seccomp flags that do not hand an fd to the launcher. */
const SECCOMP_FLAGS = 0x7;
const LAST_CAP = 63;
const CAP_SYS_ADMIN = 21n;

function landlock(step: Record<string, unknown>, path: string): PlanStep {
  knownKeys(step, ['type', 'abi', 'handledAccessFs', 'handledAccessNet', 'scoped', 'rules', 'restrictFlags'], path);
  const abi = step.abi === undefined ? undefined : integer(step.abi, `${path}.abi`, 1, 1000);
  const handledFs = mask(step.handledAccessFs, `${path}.handledAccessFs`);
  const handledNet = mask(step.handledAccessNet ?? 0, `${path}.handledAccessNet`);
  const scoped = mask(step.scoped ?? 0, `${path}.scoped`);
  const rulesIn = step.rules ?? [];
  if (!Array.isArray(rulesIn)) return invalid(`${path}.rules`, 'must be an array');
  const rules = rulesIn.map((rule: unknown, i): LandlockRule => {
    const at = `${path}.rules[${i}]`;
    if (!isRecord(rule)) return invalid(at, 'must be an object');
    const access = mask(rule.access, `${at}.access`);
    if ('path' in rule) {
      knownKeys(rule, ['path', 'access'], at);
      if ((access & ~handledFs) !== 0n) invalid(`${at}.access`, 'grants rights that handledAccessFs does not handle');
      return { path: absolutePath(rule.path, `${at}.path`), access };
    }
    knownKeys(rule, ['port', 'access'], at);
    if ((access & ~handledNet) !== 0n) invalid(`${at}.access`, 'grants rights that handledAccessNet does not handle');
    return { port: integer(rule.port, `${at}.port`, 0, 65535), access };
  });
  return {
    step: 'landlock', attrSize: attrSize(abi, handledNet, scoped, path), handledFs, handledNet, scoped, rules,
    restrictFlags: step.restrictFlags === undefined ? 0 : integer(step.restrictFlags, `${path}.restrictFlags`, 0, 0xffff_ffff),
  };
}

function one(step: unknown, path: string): PlanStep {
  if (!isRecord(step)) return invalid(path, 'must be an object');
  switch (step.type as PreExecStep['type']) {
    case 'landlock':
      return landlock(step, path);
    case 'caps': {
      knownKeys(step, ['type', 'keep'], path);
      if (!Array.isArray(step.keep)) return invalid(`${path}.keep`, 'must be an array of capability numbers');
      const keep = step.keep.reduce<bigint>((m, cap, i) => m | 1n << BigInt(integer(cap, `${path}.keep[${i}]`, 0, LAST_CAP)), 0n);
      return { step: 'caps', keep };
    }
    case 'no-new-privs':
      knownKeys(step, ['type'], path);
      return { step: 'no-new-privs' };
    case 'seccomp': {
      knownKeys(step, ['type', 'filter', 'flags'], path);
      const filter = step.filter;
      if (!(filter instanceof Uint8Array) || filter.length === 0 || filter.length % 8 !== 0 || filter.length / 8 > MAX_FILTER_INSTRUCTIONS) {
        return invalid(`${path}.filter`, `must be a Uint8Array of 1 to ${MAX_FILTER_INSTRUCTIONS} sock_filter instructions (8 bytes each)`);
      }
      const flags = step.flags === undefined ? 0 : integer(step.flags, `${path}.flags`, 0, SECCOMP_FLAGS);
      if ((flags & ~SECCOMP_FLAGS) !== 0) invalid(`${path}.flags`, 'only TSYNC, LOG and SPEC_ALLOW are allowed');
      return { step: 'seccomp', flags, filter: filter.slice() };
    }
    default:
      return invalid(`${path}.type`, 'must be one of landlock, caps, no-new-privs, seccomp');
  }
}

/** Steps the kernel allows only with no_new_privs or CAP_SYS_ADMIN; both run after the caps step. */
const NEED_NNP_OR_ADMIN = ['landlock', 'seccomp'] as const;

/**
 * `landlock_restrict_self` and a seccomp filter need no_new_privs or CAP_SYS_ADMIN: after a caps
 * step that drops CAP_SYS_ADMIN, without a no-new-privs step, they would only fail late (EPERM,
 * EACCES). Without a caps step it is the kernel's call (root and user namespaces have it).
 */
function privilegeNeeded(planned: PlanStep[], path: string): void {
  if (planned.some((s) => s.step === 'no-new-privs')) return;
  if (!planned.some((s) => s.step === 'caps' && ((s.keep >> CAP_SYS_ADMIN) & 1n) === 0n)) return;
  for (const kind of NEED_NNP_OR_ADMIN) {
    const at = planned.findIndex((s) => s.step === kind);
    if (at >= 0) invalid(`${path}[${at}]`, `${kind} needs no-new-privs or CAP_SYS_ADMIN kept: add { type: 'no-new-privs' }`);
  }
}

/** Validates the pre-exec steps and puts them in execution order (stable within a kind). */
export function preExecSteps(steps: unknown, path: string): PlanStep[] {
  if (steps === undefined) return [];
  if (!Array.isArray(steps)) return invalid(path, 'must be an array');
  const planned = steps.map((s, i) => one(s, `${path}[${i}]`));
  privilegeNeeded(planned, path);
  return planned.map((s, i) => ({ s, i })).sort((a, b) => STEP_ORDER.indexOf(a.s.step) - STEP_ORDER.indexOf(b.s.step) || a.i - b.i).map(({ s }) => s);
}
