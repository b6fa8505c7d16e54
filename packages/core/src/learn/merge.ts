import { parse, VOW_NAMES } from '@exile/vows';
import type { FsPolicy, Policy } from '../policy/types.js';
import { minimal } from './path-rules.js';

function mergeFs(a: Policy['fs'], b: Policy['fs']): Policy['fs'] {
  if (a === undefined || b === undefined) return undefined;
  if (a === false) return b;
  if (b === false) return a;
  const write = minimal([...(a.write ?? []), ...(b.write ?? [])]);
  const exec = minimal([...(a.exec ?? []), ...(b.exec ?? [])]);
  const fs: FsPolicy = { read: minimal([...(a.read ?? []), ...(b.read ?? [])], [...write, ...exec]), write, exec };
  const sockets = minimal([...(a.sockets ?? []), ...(b.sockets ?? [])]);
  if (sockets.length > 0) fs.sockets = sockets;
  if (a.allowWriteExec === true || b.allowWriteExec === true) fs.allowWriteExec = true;
  return fs;
}

function mergeNet(a: Policy['net'], b: Policy['net']): Policy['net'] {
  if (a === undefined || b === undefined || a === true || b === true) return a === undefined || b === undefined ? undefined : true;
  if (a === false) return b;
  if (b === false) return a;
  const ports = (x: number[] | undefined, y: number[] | undefined): number[] => [...new Set([...(x ?? []), ...(y ?? [])])].sort((m, n) => m - n);
  const connect = ports(a.connect, b.connect);
  const bind = ports(a.bind, b.bind);
  return { ...(connect.length > 0 ? { connect } : {}), ...(bind.length > 0 ? { bind } : {}) };
}

function mergeVows(a: Policy['vows'], b: Policy['vows']): Policy['vows'] {
  if (a === undefined || b === undefined) return undefined;
  const union = new Set([...parse(a), ...parse(b)]);
  return VOW_NAMES.filter((vow) => union.has(vow)).join(' ');
}

/**
 * The union of two policies: what either allows, the other's fields kept (`--merge`: several
 * runs, several inputs, one policy). A part left out of either (not restricted) stays left out.
 */
export function mergePolicies(a: Policy, b: Policy): Policy {
  const merged: Policy = { ...a, ...b };
  const assign = <K extends 'fs' | 'net' | 'vows'>(key: K, value: Policy[K]): void => {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  };
  assign('fs', mergeFs(a.fs, b.fs));
  assign('net', mergeNet(a.net, b.net));
  assign('vows', mergeVows(a.vows, b.vows));
  const rules = [...(a.syscalls ?? []), ...(b.syscalls ?? [])];
  const unique = [...new Map(rules.map((rule) => [JSON.stringify(rule), rule])).values()];
  if (unique.length > 0) merged.syscalls = unique;
  return merged;
}
