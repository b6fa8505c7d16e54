import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STEP_NAMES } from '../src/index.js';
import { parseStatus } from '../src/status.js';

describe('launcher steps', () => {
  it('the TypeScript step names match native/steps.h, in order', () => {
    const header = readFileSync(new URL('../native/steps.h', import.meta.url), 'utf8');
    const names = [...header.matchAll(/X\(\w+, "([a-z-]+)"\)/g)].map((m) => m[1]);
    expect(names).toEqual([...STEP_NAMES]);
  });
});

describe('parseStatus', () => {
  const record = (step: number, errno: number, detail: string): Buffer => {
    const d = Buffer.from(detail);
    const b = Buffer.alloc(16 + d.length);
    b.writeUInt32LE(0x52455845, 0);
    b.writeUInt32LE(step, 4);
    b.writeInt32LE(errno, 8);
    b.writeUInt32LE(d.length, 12);
    d.copy(b, 16);
    return b;
  };

  it('EOF without a record means the exec succeeded', () => {
    expect(parseStatus(Buffer.alloc(0), 'x')).toBeUndefined();
  });

  it('a record names the step, errno and path', () => {
    const error = parseStatus(record(STEP_NAMES.indexOf('bind-source'), 2, '/nope'), 'ls');
    expect(error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'bind-source', errno: 2, errnoName: 'ENOENT', path: '/nope', command: 'ls' } });
    expect(error?.message).toBe('exile-launch: bind-source failed for ls: ENOENT (/nope)');
  });

  it('a detail that is not a path is kept as detail', () => {
    expect(parseStatus(record(STEP_NAMES.indexOf('landlock'), 1, 'landlock_restrict_self'), 'x')?.details).toMatchObject({ step: 'landlock', detail: 'landlock_restrict_self' });
  });

  it('a program not found after a PATH search names the search, not one candidate', () => {
    const error = parseStatus(record(STEP_NAMES.indexOf('execve'), 2, '/a/ls'), 'ls', 3);
    expect(error?.details).toMatchObject({ step: 'execve', errnoName: 'ENOENT', detail: 'not found in the 3 PATH directories' });
    expect(error?.details.path).toBeUndefined();
  });

  it('garbage is still an error, never a silent success', () => {
    expect(parseStatus(Buffer.from('hello world, this is not a record'), 'x')).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { step: 'unknown' } });
  });
});
