import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, ExileError } from '@exile/common';

/** Linux O_TMPFILE (with the O_DIRECTORY bit it requires); not in Node's fs.constants. */
const O_TMPFILE = 0o20000000 | constants.O_DIRECTORY;

function write(fd: number, bytes: Uint8Array): number {
  try {
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * An anonymous file holding the plan, for the launcher's plan fd. A file (unlike a pipe) is
 * complete before the launcher starts, so it never waits on us, and it can carry the failure
 * record back. Unnamed (O_TMPFILE), or created 0600 and unlinked at once where that is missing.
 */
export function planFile(bytes: Uint8Array): number {
  const dir = tmpdir();
  try {
    return write(openSync(dir, O_TMPFILE | constants.O_RDWR, 0o600), bytes);
  } catch {
    try {
      // node:crypto loads only here, on the rare fallback: importing it costs a start (exile run) milliseconds.
      const path = join(dir, `exile-plan-${process.getBuiltinModule('node:crypto').randomBytes(8).toString('hex')}`);
      const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      unlinkSync(path);
      return write(fd, bytes);
    } catch (error) {
      throw new ExileError(ErrorCodes.LAUNCH, `cannot create the plan file in ${dir}: ${(error as Error).message}`, { step: 'plan', path: dir }, { cause: error });
    }
  }
}
