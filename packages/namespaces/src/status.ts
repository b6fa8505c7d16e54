import { closeSync, readSync } from 'node:fs';
import { ErrorCodes, ExileError, errnoName } from '@exile/common';
import { STEP_NAMES } from './steps.js';

const RECORD_MAGIC = 0x52455845; // "EXER", see native/report.h
const PLAN_MAGIC = 0x314c5845; // "EXL1": the plan file untouched, so execve succeeded
const HEADER = 16;
const MAX_DETAIL = 4096;
/** What a step's errno means when its name alone does not say it. */
const MEANING: Readonly<Record<string, string>> = {
  'landlock ELOOP': 'the rule path is a symlink now; it was resolved when the rules were compiled, so nothing was started',
  'landlock ESTALE': 'the rule path is no longer the file it was when the rules were compiled (replaced or moved), so nothing was started',
};

/**
 * Turns what the launcher left on its plan fd into the error to emit. No record (nothing on a
 * socket, or the plan itself in a file) means `execve` succeeded: `undefined`. A record names
 * the failing step, errno and path; anything else is reported as a garbled record. `searched`:
 * how many PATH candidates the launcher tried.
 */
export function parseStatus(bytes: Buffer, command: string, searched = 1): ExileError | undefined {
  if (bytes.length === 0 || (bytes.length >= 4 && bytes.readUInt32LE(0) === PLAN_MAGIC)) return undefined;
  if (bytes.length < HEADER || bytes.readUInt32LE(0) !== RECORD_MAGIC || bytes.length < HEADER + bytes.readUInt32LE(12)) {
    return new ExileError(ErrorCodes.LAUNCH, `exile-launch left a garbled status record (${bytes.length} bytes)`, { step: 'unknown', command });
  }
  const step = STEP_NAMES[bytes.readUInt32LE(4)] ?? `step ${bytes.readUInt32LE(4)}`;
  const errno = bytes.readInt32LE(8);
  const name = errnoName(errno);
  // After a PATH search the launcher can only name one of the candidates it tried.
  const notFound = step === 'execve' && searched > 1 && name === 'ENOENT';
  const detail = notFound ? `not found in the ${searched} PATH directories` : bytes.subarray(HEADER, HEADER + bytes.readUInt32LE(12)).toString('utf8');
  const meaning = MEANING[`${step} ${name}`];
  const where = `${detail === '' ? '' : ` (${detail})`}${meaning === undefined ? '' : `: ${meaning}`}`;
  const details: Record<string, unknown> = { step, errno, errnoName: name, command };
  if (detail !== '') details[detail.startsWith('/') ? 'path' : 'detail'] = detail;
  return new ExileError(ErrorCodes.LAUNCH, `exile-launch: ${step} failed for ${command}: ${name}${where}`, details);
}

/** Reads the launcher's record (or the plan) back from the start of the plan file, then closes it. Never throws. */
export function readStatus(fd: number, command: string, searched = 1): ExileError | undefined {
  try {
    const buffer = Buffer.alloc(HEADER + MAX_DETAIL);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return parseStatus(buffer.subarray(0, n), command, searched);
  } catch (error) {
    return new ExileError(ErrorCodes.LAUNCH, `cannot read exile-launch's status: ${(error as Error).message}`, { step: 'unknown', command }, { cause: error });
  } finally {
    try { closeSync(fd); } catch { /* already closed */ }
  }
}
