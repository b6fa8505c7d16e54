import { ErrorCodes, errnoNumber, invalid, jsonPath, ownData } from '@exile/common';
import { ACTION_VALUES } from './actions.js';
import { ARCHES, isArch } from './arches.js';
import type { Arch, ArgOp, SeccompPolicy } from './types.js';

/** An argument check with the value reduced to its unsigned `width`-bit form. */
export interface NormalizedCheck {
  index: number;
  op: ArgOp;
  value: bigint;
  mask: bigint;
  width: 32 | 64;
}

export interface NormalizedRule {
  nrs: number[];
  action: number;
  checks: NormalizedCheck[];
}

/** A policy resolved for one architecture: names → numbers, actions → return values. */
export interface NormalizedPolicy {
  arch: Arch;
  defaultAction: number;
  badArchAction: number;
  rules: NormalizedRule[];
}

const OPS: ReadonlySet<string> = new Set<ArgOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'masked-eq']);
const SIMPLE_ACTIONS: ReadonlySet<string> = new Set(['allow', 'kill-process', 'kill-thread', 'trap', 'log', 'notify']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(path, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The 32-bit filter return value of an action; throws with `path` on anything malformed. */
export function actionValue(action: unknown, path: string): number {
  if (typeof action === 'string') {
    if (!SIMPLE_ACTIONS.has(action)) throw invalid(path, `unknown action ${JSON.stringify(action)}`);
    return ACTION_VALUES[action as keyof typeof ACTION_VALUES];
  }
  if (!isObject(action)) throw invalid(path, `an action is a name or { errno | trace | trap }, got ${JSON.stringify(action)}`);
  const keys = Object.keys(action);
  if (keys.length !== 1) throw invalid(path, `an action object has exactly one key, got ${JSON.stringify(keys)}`);
  const [key] = keys as [string];
  const data = action[key];
  switch (key) {
    case 'errno': {
      const n = typeof data === 'string' || typeof data === 'number' ? errnoNumber(data) : undefined;
      if (n === undefined) throw invalid(`${path}.errno`, `unknown errno ${JSON.stringify(data)} (a name like "EPERM" or 0..4095)`);
      return (ACTION_VALUES.errno | n) >>> 0;
    }
    case 'trace': return (ACTION_VALUES.trace | integer(data, `${path}.trace`, 0, 0xffff)) >>> 0;
    case 'trap': return (ACTION_VALUES.trap | integer(data, `${path}.trap`, 0, 0xffff)) >>> 0;
    default: throw invalid(path, `unknown action ${JSON.stringify(key)}`);
  }
}

/** Reduces a number/bigint to an unsigned `width`-bit bigint; negative values are two's complement. */
function unsigned(value: unknown, width: 32 | 64, path: string): bigint {
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
  else throw invalid(path, `must be an integer (number within 2^53, or bigint), got ${String(value)}`);
  const limit = 1n << BigInt(width);
  if (big < -(limit >> 1n) || big >= limit) throw invalid(path, `${big} does not fit in ${width} bits`);
  return big < 0n ? big + limit : big;
}

/** Validates one argument check and reduces it to unsigned `width`-bit values; errors name `path`. */
export function normalizeCheck(raw: unknown, path: string): NormalizedCheck {
  if (!isObject(raw)) throw invalid(path, 'an argument check is an object { index, op, value }');
  const index = integer(raw.index, `${path}.index`, 0, 5);
  const op = raw.op;
  if (typeof op !== 'string' || !OPS.has(op)) throw invalid(`${path}.op`, `unknown op ${JSON.stringify(op)} (one of ${[...OPS].join(', ')})`);
  const width = raw.width ?? 64;
  if (width !== 32 && width !== 64) throw invalid(`${path}.width`, `must be 32 or 64, got ${JSON.stringify(width)}`);
  const value = unsigned(raw.value, width, `${path}.value`);
  const all = (1n << BigInt(width)) - 1n;
  let mask = all;
  if (op === 'masked-eq') {
    if (raw.mask === undefined) throw invalid(`${path}.mask`, 'masked-eq needs a mask');
    mask = unsigned(raw.mask, width, `${path}.mask`);
    // libseccomp masks the value too; a value with bits outside the mask is a mistake either way.
    if ((value & ~mask) !== 0n) throw invalid(`${path}.value`, `0x${value.toString(16)} has bits outside the mask 0x${mask.toString(16)}`);
  } else if (raw.mask !== undefined) {
    throw invalid(`${path}.mask`, `a mask only goes with masked-eq, not ${op}`);
  }
  for (const key of Object.keys(raw)) {
    if (!['index', 'op', 'value', 'mask', 'width'].includes(key)) throw invalid(jsonPath(path, key), 'unknown field');
  }
  return { index, op: op as ArgOp, value, mask, width };
}

/**
 * Validates `policy` and resolves it for `arch`. Every problem is an ExileError with the JSON path
 * of the bad part (`$.rules[2].args[0].op`); unknown syscall names use ERR_EXILE_UNKNOWN_SYSCALL.
 */
export function normalize(policy: SeccompPolicy, arch: Arch): NormalizedPolicy {
  if (!isArch(arch)) throw invalid('arch', `unknown architecture ${JSON.stringify(arch)}`);
  // Own data only: a polluted Object.prototype must not add rules or change the default action.
  const raw: unknown = ownData(policy);
  if (!isObject(raw)) throw invalid('$', 'a policy is an object { defaultAction, rules }');
  for (const key of Object.keys(raw)) {
    if (!['defaultAction', 'rules', 'badArchAction', 'unknownSyscalls'].includes(key)) throw invalid(jsonPath('$', key), 'unknown field');
  }
  const defaultAction = actionValue(raw.defaultAction, '$.defaultAction');
  const badArchAction = raw.badArchAction === undefined ? ACTION_VALUES['kill-process'] : actionValue(raw.badArchAction, '$.badArchAction');
  const unknown = raw.unknownSyscalls ?? 'error';
  if (unknown !== 'error' && unknown !== 'ignore') throw invalid('$.unknownSyscalls', `must be "error" or "ignore", got ${JSON.stringify(unknown)}`);
  if (!Array.isArray(raw.rules)) throw invalid('$.rules', 'must be an array');
  const table = ARCHES[arch].table;
  const rules = (raw.rules as unknown[]).map((rule, i): NormalizedRule => {
    const path = `$.rules[${i}]`;
    if (!isObject(rule)) throw invalid(path, 'a rule is an object { syscall, action, args? }');
    for (const key of Object.keys(rule)) {
      if (!['syscall', 'action', 'args'].includes(key)) throw invalid(jsonPath(path, key), 'unknown field');
    }
    const names = Array.isArray(rule.syscall) ? rule.syscall as unknown[] : [rule.syscall];
    if (names.length === 0) throw invalid(`${path}.syscall`, 'lists no syscall');
    const nrs: number[] = [];
    names.forEach((name, j) => {
      const namePath = Array.isArray(rule.syscall) ? `${path}.syscall[${j}]` : `${path}.syscall`;
      if (typeof name !== 'string') throw invalid(namePath, `a syscall is named by a string, got ${JSON.stringify(name)}`);
      if (Object.hasOwn(table, name)) nrs.push(table[name] as number);
      else if (unknown === 'error') {
        throw invalid(namePath, `${arch} has no syscall ${JSON.stringify(name)}`, { syscall: name, arch }, { code: ErrorCodes.UNKNOWN_SYSCALL });
      }
    });
    const action = actionValue(rule.action, `${path}.action`);
    if (rule.args !== undefined && !Array.isArray(rule.args)) throw invalid(`${path}.args`, 'must be an array');
    const checks = ((rule.args ?? []) as unknown[]).map((c, j) => normalizeCheck(c, `${path}.args[${j}]`));
    return { nrs, action, checks };
  });
  return { arch, defaultAction, badArchAction, rules };
}
