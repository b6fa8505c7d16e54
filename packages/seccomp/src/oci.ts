import { release } from 'node:os';
import { ErrorCodes, errnoName, errnoNumber, invalid, jsonPath } from '@exile/common';
import { ARCHES } from './arches.js';
import { decodeAction } from './actions.js';
import { covers, disjoint } from './disjoint.js';
import { targetArch } from './compile.js';
import type { Action, Arch, ArgCheck, ArgOp, Rule, SeccompPolicy } from './types.js';
import { actionValue } from './validate.js';

/** Options of `fromOCI()`. */
export interface FromOCIOptions {
  /** Architecture the policy is for (decides `includes/excludes.arches` and which names exist). Default: this process's. */
  arch?: Arch;
  /** Capabilities the container will have (`CAP_SYS_ADMIN`, ...), for `includes/excludes.caps`. Default none. */
  capabilities?: string[];
  /** Kernel release compared with `minKernel`. Default: this machine's (`os.release()`). */
  kernel?: string;
}

/** An OCI / Docker seccomp profile (the parts exile reads and writes). */
export interface OCIProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  /** The errno by name (Podman writes both); must agree with `defaultErrnoRet` when both are given. */
  defaultErrno?: string;
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures: string[] | null }[];
  syscalls?: OCISyscall[];
  flags?: string[];
}

export interface OCISyscall {
  names: string[];
  action: string;
  errnoRet?: number;
  /** The errno by name (Podman writes both); must agree with `errnoRet` when both are given. */
  errno?: string;
  args?: { index: number; value: number | bigint; valueTwo?: number | bigint; op: string }[];
  comment?: string;
  includes?: OCIFilter;
  excludes?: OCIFilter;
}

interface OCIFilter {
  arches?: string[];
  caps?: string[];
  minKernel?: string;
}

const OPS: Readonly<Record<string, ArgOp>> = {
  SCMP_CMP_NE: 'ne', SCMP_CMP_LT: 'lt', SCMP_CMP_LE: 'le', SCMP_CMP_EQ: 'eq', SCMP_CMP_GE: 'ge', SCMP_CMP_GT: 'gt', SCMP_CMP_MASKED_EQ: 'masked-eq',
};
const OCI_OPS = Object.fromEntries(Object.entries(OPS).map(([oci, op]) => [op, oci])) as Record<ArgOp, string>;

const EPERM = 1;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, keys: readonly string[], path: string): void {
  for (const key of Object.keys(value)) if (!keys.includes(key)) throw invalid(jsonPath(path, key), 'unknown or unsupported field');
}

function strings(value: unknown, path: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw invalid(path, 'must be an array of strings');
  return value;
}

/** The errno of an entry: its number (`errnoRet`), its name (`errno`, as Podman writes it beside
 *  the number), or EPERM (libseccomp's default) with neither. Both given must name the same errno. */
function errno(value: unknown, name: unknown, path: string, namePath: string): number {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 4095)) {
    throw invalid(path, 'must be an errno number 0..4095');
  }
  if (name === undefined) return value ?? EPERM;
  const byName = typeof name === 'string' ? errnoNumber(name) : undefined;
  if (typeof name !== 'string' || byName === undefined) throw invalid(namePath, `unknown errno name ${JSON.stringify(name)}`);
  if (value !== undefined && value !== byName) throw invalid(namePath, `names ${name} (${byName}), but ${path.split('.').at(-1)} is ${value} (${errnoName(value)})`);
  return byName;
}

/** SCMP_ACT_* (+ errnoRet / errno) → Action. */
function action(name: unknown, errnoRet: unknown, errnoByName: unknown, path: string, retPath: string, namePath: string): Action {
  switch (name) {
    case 'SCMP_ACT_ALLOW': return 'allow';
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD': return 'kill-thread';
    case 'SCMP_ACT_KILL_PROCESS': return 'kill-process';
    case 'SCMP_ACT_TRAP': return 'trap';
    case 'SCMP_ACT_LOG': return 'log';
    case 'SCMP_ACT_NOTIFY': return 'notify';
    case 'SCMP_ACT_ERRNO': return { errno: errno(errnoRet, errnoByName, retPath, namePath) };
    case 'SCMP_ACT_TRACE': return { trace: errno(errnoRet, errnoByName, retPath, namePath) };
    default: throw invalid(path, `unknown action ${JSON.stringify(name)}`);
  }
}

function compareVersions(a: string, b: string): number {
  const parse = (v: string): number[] => (/^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v) ?? []).slice(1).map((n) => Number(n ?? 0));
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

function uint64(value: unknown, path: string): bigint {
  if (typeof value === 'bigint' && value >= 0n && value < 1n << 64n) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw invalid(path, `must be an unsigned 64-bit integer (a number up to 2^53, or a bigint), got ${String(value)}`);
}

function arg(raw: unknown, path: string): ArgCheck {
  if (!isObject(raw)) throw invalid(path, 'an argument is { index, value, valueTwo?, op }');
  onlyKeys(raw, ['index', 'value', 'valueTwo', 'op'], path);
  const op = typeof raw.op === 'string' ? OPS[raw.op] : undefined;
  if (op === undefined) throw invalid(`${path}.op`, `unknown op ${JSON.stringify(raw.op)}`);
  if (typeof raw.index !== 'number' || !Number.isInteger(raw.index) || raw.index < 0 || raw.index > 5) throw invalid(`${path}.index`, 'must be 0..5');
  const index = raw.index as ArgCheck['index'];
  const value = uint64(raw.value, `${path}.value`);
  // libseccomp: MASKED_EQ is (arg & value) == (valueTwo & value); the other ops ignore valueTwo.
  if (op === 'masked-eq') return { index, op, mask: value, value: uint64(raw.valueTwo ?? 0, `${path}.valueTwo`) & value };
  return { index, op, value };
}

interface Context {
  aliases: readonly string[];
  caps: ReadonlySet<string>;
  kernel: string;
}

/** moby's rules: includes need every listed cap, the arch and minKernel; excludes drop on any match. */
function applies(entry: Record<string, unknown>, ctx: Context, path: string): boolean {
  const filter = (key: 'includes' | 'excludes'): { arches: string[]; caps: string[]; minKernel?: string } | undefined => {
    const raw = entry[key];
    if (raw === undefined || raw === null) return undefined;
    if (!isObject(raw)) throw invalid(`${path}.${key}`, 'must be an object');
    onlyKeys(raw, ['arches', 'caps', 'minKernel'], `${path}.${key}`);
    if (raw.minKernel !== undefined && (typeof raw.minKernel !== 'string' || !/^\d+(\.\d+)*/.test(raw.minKernel))) {
      throw invalid(`${path}.${key}.minKernel`, 'must be a kernel version like "4.8"');
    }
    return { arches: strings(raw.arches, `${path}.${key}.arches`), caps: strings(raw.caps, `${path}.${key}.caps`), minKernel: raw.minKernel };
  };
  const inc = filter('includes');
  const exc = filter('excludes');
  if (inc !== undefined) {
    if (inc.arches.length > 0 && !inc.arches.some((a) => ctx.aliases.includes(a))) return false;
    if (!inc.caps.every((c) => ctx.caps.has(c))) return false;
    if (inc.minKernel !== undefined && compareVersions(ctx.kernel, inc.minKernel) < 0) return false;
  }
  if (exc !== undefined) {
    if (exc.arches.some((a) => ctx.aliases.includes(a))) return false;
    if (exc.caps.some((c) => ctx.caps.has(c))) return false;
    if (exc.minKernel !== undefined && compareVersions(ctx.kernel, exc.minKernel) >= 0) return false;
  }
  return true;
}

const ruleNames = (rule: Rule): readonly string[] => (Array.isArray(rule.syscall) ? rule.syscall : [rule.syscall]);

/**
 * Refuses rule sets whose meaning depends on the engine: exile takes the first matching rule,
 * libseccomp (what OCI runtimes use) has no order, so two rules for one syscall with different
 * actions must never match the same call — as Podman's socket() rules (EINVAL for an audit
 * netlink socket, allowed for every other) never do.
 */
function checkConflicts(rules: readonly Rule[], pathOf: (i: number) => string): void {
  const seen = new Map<string, { act: string; rule: Rule }[]>();
  rules.forEach((rule, i) => {
    const act = JSON.stringify(decodeAction(actionValue(rule.action, `${pathOf(i)}.action`)));
    for (const name of ruleNames(rule)) {
      const before = seen.get(name) ?? [];
      const clash = before.find((b) => b.act !== act && !disjoint(b.rule, rule));
      if (clash !== undefined) {
        throw invalid(pathOf(i), `${name} has rules with different actions (${clash.act} and ${act}) that can match the same call; OCI runtimes do not order rules, so this cannot be translated`);
      }
      seen.set(name, [...before, { act, rule }]);
    }
  });
}

/**
 * Reads an OCI / Docker / Podman seccomp profile for one architecture: includes/excludes by arch,
 * capability and minKernel, errnoRet/defaultErrnoRet (or Podman's errno/defaultErrno names), archMap/architectures (must cover the
 * arch; sub-architectures are not merged in — their syscalls meet badArchAction), names the
 * arch lacks dropped. MASKED_EQ keeps libseccomp's meaning. Bad input → ExileError with the path.
 */
export function fromOCI(profile: object, opts: FromOCIOptions = {}): SeccompPolicy {
  const arch = targetArch(opts.arch);
  const raw: unknown = profile;
  if (!isObject(raw)) throw invalid('$', 'a profile is an object');
  onlyKeys(raw, ['defaultAction', 'defaultErrnoRet', 'defaultErrno', 'architectures', 'archMap', 'syscalls', 'flags'], '$');
  const aliases: readonly string[] = ARCHES[arch].oci;
  const listed = [
    ...strings(raw.architectures, '$.architectures'),
    ...(Array.isArray(raw.archMap) ? raw.archMap as unknown[] : raw.archMap === undefined || raw.archMap === null ? [] : [null]).flatMap((entry, i) => {
      if (!isObject(entry) || typeof entry.architecture !== 'string') throw invalid(`$.archMap[${i}]`, 'must be { architecture, subArchitectures }');
      return [entry.architecture, ...strings(entry.subArchitectures, `$.archMap[${i}].subArchitectures`)];
    }),
  ];
  if (listed.length > 0 && !listed.some((a) => aliases.includes(a))) {
    throw invalid('$.archMap', `the profile's architectures (${listed.join(', ')}) do not include ${arch}`, { arch }, { code: ErrorCodes.UNSUPPORTED });
  }
  for (const [i, flag] of strings(raw.flags, '$.flags').entries()) {
    // exile installs with TSYNC anyway; other flags change behaviour and are not supported.
    if (flag !== 'SECCOMP_FILTER_FLAG_TSYNC') throw invalid(`$.flags[${i}]`, `${flag} is not supported (use install()'s options)`);
  }
  const ctx: Context = { aliases, caps: new Set(opts.capabilities ?? []), kernel: opts.kernel ?? release() };
  const defaultAction = action(raw.defaultAction, raw.defaultErrnoRet, raw.defaultErrno, '$.defaultAction', '$.defaultErrnoRet', '$.defaultErrno');
  if (raw.syscalls !== undefined && raw.syscalls !== null && !Array.isArray(raw.syscalls)) throw invalid('$.syscalls', 'must be an array');
  const table = ARCHES[arch].table;
  const rules: Rule[] = [];
  const origin: string[] = [];
  ((raw.syscalls ?? []) as unknown[]).forEach((entry, i) => {
    const path = `$.syscalls[${i}]`;
    if (!isObject(entry)) throw invalid(path, 'must be an object');
    onlyKeys(entry, ['names', 'name', 'action', 'errnoRet', 'errno', 'args', 'comment', 'includes', 'excludes'], path);
    const names = entry.names !== undefined ? strings(entry.names, `${path}.names`) : typeof entry.name === 'string' ? [entry.name] : [];
    if (names.length === 0) throw invalid(`${path}.names`, 'lists no syscall');
    const act = action(entry.action, entry.errnoRet, entry.errno, `${path}.action`, `${path}.errnoRet`, `${path}.errno`);
    if (entry.args !== undefined && entry.args !== null && !Array.isArray(entry.args)) throw invalid(`${path}.args`, 'must be an array');
    const args = ((entry.args ?? []) as unknown[]).map((a, j) => arg(a, `${path}.args[${j}]`));
    if (!applies(entry, ctx, path)) return;
    const known = names.filter((name) => Object.hasOwn(table, name));
    if (known.length === 0) return;
    rules.push(args.length > 0 ? { syscall: known, action: act, args } : { syscall: known, action: act });
    origin.push(path);
  });
  const kept = asLibseccomp(rules, origin);
  checkConflicts(kept.rules, (i) => kept.origin[i] ?? 'syscalls');
  // Within one action, a rule without arguments makes that action unconditional; order is then irrelevant.
  return { defaultAction, rules: kept.rules };
}

/**
 * What libseccomp makes of a profile's rules: the first rule without argument checks for a
 * syscall decides every call of it, and the syscall's other rules (before or after, any action)
 * are dropped — as Podman's unconditional `setns` allow outranks its later EPERM for containers
 * without CAP_SYS_ADMIN. (Checked against libseccomp 2.5: it keeps the first unconditional rule.)
 */
function asLibseccomp(rules: readonly Rule[], origin: readonly string[]): { rules: Rule[]; origin: string[] } {
  const decider = new Map<string, number>();
  rules.forEach((rule, i) => {
    if (rule.args === undefined) for (const name of ruleNames(rule)) if (!decider.has(name)) decider.set(name, i);
  });
  const out: { rules: Rule[]; origin: string[] } = { rules: [], origin: [] };
  rules.forEach((rule, i) => {
    const known = ruleNames(rule).filter((name) => (decider.get(name) ?? i) === i);
    if (known.length === 0) return;
    out.rules.push({ ...rule, syscall: known });
    out.origin.push(origin[i] ?? 'syscalls');
  });
  return out;
}

function ociAction(act: Action, path: string): { action: string; errnoRet?: number } {
  const value = actionValue(act, path);
  const canonical = decodeAction(value);
  if (typeof canonical === 'string') {
    const names: Record<string, string> = {
      allow: 'SCMP_ACT_ALLOW', 'kill-thread': 'SCMP_ACT_KILL_THREAD', 'kill-process': 'SCMP_ACT_KILL_PROCESS',
      trap: 'SCMP_ACT_TRAP', log: 'SCMP_ACT_LOG', notify: 'SCMP_ACT_NOTIFY',
    };
    return { action: names[canonical] as string };
  }
  if ('errno' in canonical) return { action: 'SCMP_ACT_ERRNO', errnoRet: Number(canonical.errno) };
  if ('trace' in canonical) return { action: 'SCMP_ACT_TRACE', errnoRet: canonical.trace };
  throw invalid(path, 'OCI profiles cannot carry data for SCMP_ACT_TRAP');
}

function ociArg(check: ArgCheck, path: string): NonNullable<OCISyscall['args']>[number] {
  const toNumber = (v: number | bigint): number | bigint => (typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
  const width = check.width ?? 64;
  const reduce = (v: number | bigint): bigint => BigInt.asUintN(width, BigInt(v));
  if (check.op === 'masked-eq') {
    const mask = reduce(check.mask ?? 0);
    return { index: check.index, value: toNumber(mask), valueTwo: toNumber(reduce(check.value)), op: 'SCMP_CMP_MASKED_EQ' };
  }
  if (width === 32) {
    // libseccomp compares whole registers; a 32-bit equality is a masked one.
    if (check.op === 'eq') return { index: check.index, value: 0xffffffff, valueTwo: toNumber(reduce(check.value)), op: 'SCMP_CMP_MASKED_EQ' };
    throw invalid(`${path}.width`, `a 32-bit ${check.op} comparison has no OCI equivalent`);
  }
  return { index: check.index, value: toNumber(reduce(check.value)), op: OCI_OPS[check.op] };
}

/**
 * The rules that decide some call under exile's first-match order: a rule (or one of its
 * syscalls) wholly covered by an earlier rule of the same syscall never fires, so it is left
 * out rather than handed to an engine without order (vows' terminal errno rules behind wpath).
 */
function deciding(rules: readonly Rule[]): { rule: Rule; index: number }[] {
  const out: { rule: Rule; index: number }[] = [];
  rules.forEach((rule, index) => {
    const names = ruleNames(rule);
    const live = names.filter((name) => !rules.slice(0, index).some((earlier) => ruleNames(earlier).includes(name) && covers(earlier, rule)));
    if (live.length === names.length) out.push({ rule, index });
    else if (live.length > 0) out.push({ rule: { ...rule, syscall: [...live] }, index });
  });
  return out;
}

/**
 * Writes a policy as an OCI seccomp profile (libseccomp semantics). Refused, with the path:
 * rules for one syscall with different actions that can match the same call (OCI has no rule
 * order; a rule an earlier one wholly covers is left out, as it never fires), trap data, 32-bit
 * comparisons other than eq/masked-eq. `badArchAction` has no OCI field and is left out.
 */
export function toOCI(policy: SeccompPolicy): OCIProfile {
  const def = ociAction(policy.defaultAction, '$.defaultAction');
  const live = deciding(policy.rules);
  checkConflicts(live.map(({ rule }) => rule), (j) => `$.rules[${live[j]!.index}]`);
  const syscalls = live.map(({ rule, index }): OCISyscall => {
    const path = `$.rules[${index}]`;
    const act = ociAction(rule.action, `${path}.action`);
    const out: OCISyscall = { names: [...ruleNames(rule)], action: act.action };
    if (act.errnoRet !== undefined) out.errnoRet = act.errnoRet;
    if (rule.args !== undefined && rule.args.length > 0) out.args = rule.args.map((a, j) => ociArg(a, `${path}.args[${j}]`));
    return out;
  });
  const profile: OCIProfile = { defaultAction: def.action };
  if (def.errnoRet !== undefined) profile.defaultErrnoRet = def.errnoRet;
  profile.syscalls = syscalls;
  return profile;
}
