import { closeSync, constants, openSync, readSync } from 'node:fs';
import { native } from '../native.js';

/** The records readable from `fd` now, without blocking. */
function readRecords(fd: number): string[] {
  const records: string[] = [];
  const buffer = Buffer.alloc(8192);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer);
    } catch (error) {
      // EPIPE: records were overwritten while reading; go on with the next one. EAGAIN: the end.
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') continue;
      break;
    }
    if (n <= 0) break;
    records.push(buffer.toString('utf8', 0, n));
  }
  return records;
}

/** The records the kernel logs from now on: `read()` returns those written since the last read. */
export interface KernelLogFromNow {
  read(): string[];
  close(): void;
}

/**
 * The kernel log from now on, or undefined when it cannot be read. What a sandbox was denied is
 * logged while it runs: reading only those records, not the whole log, keeps the report after
 * its exit cheap however long the log is.
 */
export function kernelLogFromNow(): KernelLogFromNow | undefined {
  const fd = native.kernelLogAtEnd();
  if (fd < 0) return undefined;
  let open = true;
  return {
    read: () => (open ? readRecords(fd) : []),
    close: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** Whether this process may read the kernel log (root, or CAP_SYSLOG where dmesg_restrict is set). */
export function kernelLogReadable(): boolean {
  try {
    closeSync(openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK));
    return true;
  } catch {
    return false;
  }
}
