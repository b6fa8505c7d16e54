import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kernelLogFromNow } from '../../src/violations/kernel-log.js';

/** Writes a line to the kernel log (root may), for a reader to find. */
const log = (line: string) => writeFileSync('/dev/kmsg', `${line}\n`);
const root = process.getuid?.() === 0;

describe('kernelLogFromNow()', () => {
  it.skipIf(!root)('reads the records written after it was opened, none from before, then nothing once read', () => {
    const before = `exile-test before ${randomUUID()}`;
    const after = `exile-test after ${randomUUID()}`;
    log(before);
    const reader = kernelLogFromNow();
    expect(reader).toBeDefined();
    log(after);
    const records = reader!.read();
    expect(records.filter((r) => r.endsWith(`${after}\n`))).toHaveLength(1);
    expect(records.some((r) => r.includes(before))).toBe(false);
    expect(reader!.read()).toEqual([]);
  });
});
