import { describe, expect, it } from 'vitest';
import { ExileError, ErrorCodes, callNative, errnoName, errnoNumber } from '../src/index.js';

describe('ExileError', () => {
  it('carries a stable code and details', () => {
    const e = new ExileError(ErrorCodes.INVALID_POLICY, 'bad', { path: 'fs.read[0]' });
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(ExileError);
    expect(e.code).toBe('ERR_EXILE_INVALID_POLICY');
    expect(e.details).toEqual({ path: 'fs.read[0]' });
    expect(e.name).toBe('ExileError');
  });

  it('is recognised across copies by its brand, not by prototype identity', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('exile.ExileError')]: true });
    expect(foreign instanceof ExileError).toBe(true);
    expect(new Error('x') instanceof ExileError).toBe(false);
    expect((null as unknown) instanceof ExileError).toBe(false);
  });

  it('callNative maps native errno errors and passes others through', () => {
    const native = Object.assign(new Error('seccomp failed'), { errno: 1, syscall: 'seccomp' });
    expect(() => callNative('installing', () => { throw native; })).toThrow(expect.objectContaining({
      code: 'ERR_EXILE_SYSCALL', message: 'installing: seccomp failed with EPERM',
      details: { errno: 1, syscall: 'seccomp', errnoName: 'EPERM' },
    }));
    const plain = new TypeError('nope');
    expect(() => callNative('x', () => { throw plain; })).toThrow(plain);
    expect(callNative('x', () => 42)).toBe(42);
  });
});

describe('ExileError JSON', () => {
  it('serialises bigints in details as strings', () => {
    const e = new ExileError(ErrorCodes.THREADS, 'missed', { report: { threads: [{ tid: 7, starttime: 123n }] } });
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: 'ExileError', code: 'ERR_EXILE_THREADS', message: 'missed', details: { report: { threads: [{ tid: 7, starttime: '123' }] } },
    });
  });
});

describe('errno names', () => {
  it('maps both ways', () => {
    expect(errnoName(1)).toBe('EPERM');
    expect(errnoName(13)).toBe('EACCES');
    expect(errnoName(11)).toBe('EAGAIN');
    expect(errnoName(99999)).toBe('E99999');
    expect(errnoNumber('eperm')).toBe(1);
    expect(errnoNumber('ENOSYS')).toBe(38);
    expect(errnoNumber('EBOGUS')).toBeUndefined();
    expect(errnoNumber(4096)).toBeUndefined();
    expect(errnoNumber(38)).toBe(38);
  });
});
