import { invalid, within } from '@exile/common';
import { IN_POLICY } from '../policy/invalid.js';
import type { NormalizedPolicy } from '../policy/types.js';
import type { PlannedItem } from './types.js';

/** A write path and an exec path that overlap, with their indexes in the policy. */
export interface WriteExecOverlap {
  write: string;
  exec: string;
  writeIndex: number;
  execIndex: number;
}

/**
 * Write paths inside exec paths, or exec paths inside write paths: beneath both, a file can be
 * written and then executed, because Landlock grants the union of the rights of every rule
 * along a path.
 */
export function writeExecOverlaps(fs: NormalizedPolicy['fs']): WriteExecOverlap[] {
  if (!fs) return [];
  return fs.write.flatMap((write, writeIndex) => fs.exec.flatMap((exec, execIndex) =>
    (within(write, exec) || within(exec, write) ? [{ write, exec, writeIndex, execIndex }] : [])));
}

function describe(o: WriteExecOverlap): string {
  const where = o.write === o.exec ? `${o.write} is both writable and executable`
    : within(o.write, o.exec) ? `${o.write} is writable inside the executable tree ${o.exec}` : `the executable ${o.exec} is inside the writable tree ${o.write}`;
  return `${where}: the program can execute files it writes there (Landlock rights add up along a path)`;
}

/**
 * Without `fs.allowWriteExec`: strict mode refuses overlapping write and exec paths (naming
 * both), best-effort mode plans a warning item (not enforced: no execution of written files).
 */
export function planWriteExec(policy: NormalizedPolicy): PlannedItem[] {
  if (!policy.fs || policy.fs.allowWriteExec) return [];
  const overlaps = writeExecOverlaps(policy.fs);
  if (overlaps.length === 0) return [];
  if (policy.mode === 'strict') {
    const o = overlaps[0]!;
    throw invalid(`$.fs.write[${o.writeIndex}]`, `overlaps $.fs.exec[${o.execIndex}]: ${describe(o)}. `
      + 'Make them disjoint, or set "allowWriteExec": true in "fs" (exile run: --allow-write-exec) to accept it.',
      { write: o.write, exec: o.exec, overlaps: overlaps.map(({ write, exec }) => ({ write, exec })) }, IN_POLICY);
  }
  return overlaps.map((o) => ({ what: 'file system: no executing what was written', mechanism: 'landlock', enforced: false, required: false,
    detail: `warning: ${describe(o)}; "allowWriteExec": true in "fs" accepts it` }));
}
