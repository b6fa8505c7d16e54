import { ErrorCodes, ExileError, errnoName } from '@exile/common';
import { STEP_NAMES } from './steps.js';

const MAGIC = 0x52455845; // "EXER", see native/report.h
const HEADER = 16;

/**
 * Turns what the launcher wrote on its status fd into the error to emit: nothing means
 * `execve` succeeded (`undefined`); a record names the failing step, errno and path.
 */
export function parseStatus(bytes: Buffer, command: string): ExileError | undefined {
  if (bytes.length === 0) return undefined;
  if (bytes.length < HEADER || bytes.readUInt32LE(0) !== MAGIC || bytes.length !== HEADER + bytes.readUInt32LE(12)) {
    return new ExileError(ErrorCodes.LAUNCH, `exile-launch sent a garbled status record (${bytes.length} bytes)`, { step: 'unknown', command });
  }
  const step = STEP_NAMES[bytes.readUInt32LE(4)] ?? `step ${bytes.readUInt32LE(4)}`;
  const errno = bytes.readInt32LE(8);
  const detail = bytes.subarray(HEADER).toString('utf8');
  const name = errnoName(errno);
  const where = detail === '' ? '' : ` (${detail})`;
  const details: Record<string, unknown> = { step, errno, errnoName: name, command };
  details[detail.startsWith('/') ? 'path' : 'detail'] = detail === '' ? undefined : detail;
  return new ExileError(ErrorCodes.LAUNCH, `exile-launch: ${step} failed for ${command}: ${name}${where}`, details);
}
