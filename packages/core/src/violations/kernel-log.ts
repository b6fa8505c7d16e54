import { closeSync, constants, openSync, readSync } from 'node:fs';

/** Every record in the kernel log, without blocking; [] when it cannot be read (unprivileged, dmesg_restrict). */
export function kernelLog(): string[] {
  let fd: number;
  try {
    fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return [];
  }
  const records: string[] = [];
  const buffer = Buffer.alloc(8192);
  try {
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
  } finally {
    closeSync(fd);
  }
  return records;
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
