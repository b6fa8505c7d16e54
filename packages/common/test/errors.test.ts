import { describe, expect, it } from 'vitest';
import { ByteWriter, ExileError, ErrorCodes, callNative, errnoName, errnoNumber, invalid, jsonPath, reroot } from '../src/index.js';

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

describe('invalid(), jsonPath(), reroot(): one JSON-path error style', () => {
  it('builds paths from $ with .name, [index] and ["odd key"]', () => {
    expect(jsonPath(jsonPath(jsonPath('$', 'fs'), 'read'), 0)).toBe('$.fs.read[0]');
    expect(jsonPath('$', 1)).toBe('$[1]');
    expect(jsonPath('$.env', 'A B')).toBe('$.env["A B"]');
  });

  it('names the path and the problem in the message and in details', () => {
    const e = invalid('$.fs.read[0]', 'must not contain a NUL byte', { value: 'x' }, { context: 'invalid policy' });
    expect(e).toBeInstanceOf(ExileError);
    expect([e.code, e.message, e.details]).toEqual([ErrorCodes.INVALID_POLICY, 'invalid policy: $.fs.read[0]: must not contain a NUL byte',
      { value: 'x', path: '$.fs.read[0]', problem: 'must not contain a NUL byte' }]);
    expect(invalid('$', 'must be an object').message).toBe('$: must be an object');
    expect(invalid('$.rules[0].syscall', 'unknown', {}, { code: ErrorCodes.UNKNOWN_SYSCALL }).code).toBe(ErrorCodes.UNKNOWN_SYSCALL);
  });

  it('reroots the error of a part under what holds it, keeping code, details and cause', () => {
    const inner = invalid('$.rules[2].syscall', 'lists no syscall', { name: 'x' }, { code: ErrorCodes.UNKNOWN_SYSCALL });
    const outer = reroot(inner, '$.rules', '$.syscalls', { context: 'invalid policy' }) as ExileError;
    expect([outer.code, outer.message, outer.details, outer.cause]).toEqual([ErrorCodes.UNKNOWN_SYSCALL,
      'invalid policy: $.syscalls[2].syscall: lists no syscall', { name: 'x', path: '$.syscalls[2].syscall', problem: 'lists no syscall' }, inner]);
    expect((reroot(invalid('$', 'a profile is an object'), '$', '$.seccompProfile') as ExileError).details.path).toBe('$.seccompProfile');
    expect((reroot(invalid('$.syscalls[3]', 'x'), '$', '$.seccompProfile') as ExileError).details.path).toBe('$.seccompProfile.syscalls[3]');
  });

  it('leaves other errors alone: no path, a path outside from, not an ExileError', () => {
    const plain = new TypeError('x');
    expect(reroot(plain, '$', '$.a')).toBe(plain);
    const noProblem = new ExileError(ErrorCodes.INVALID_POLICY, 'bad', { path: '$.rules' });
    expect(reroot(noProblem, '$.rules', '$.syscalls')).toBe(noProblem);
    const elsewhere = invalid('$.rulesets[0]', 'x');
    expect(reroot(elsewhere, '$.rules', '$.syscalls')).toBe(elsewhere);
  });
});

describe('ByteWriter', () => {
  it('appends little-endian fields, grows past its first buffer, patches a u32 and keeps reserved bytes', () => {
    const w = new ByteWriter(4).u32(0x01020304).u64(-1n).bytes(new Uint8Array([9, 8])).str('é');
    expect([...w.finish()]).toEqual([0, 0, 0, 0, 4, 3, 2, 1, 255, 255, 255, 255, 255, 255, 255, 255, 2, 0, 0, 0, 9, 8, 2, 0, 0, 0, 0xc3, 0xa9]);
    expect([...w.setU32(0, 7).finish().subarray(0, 4)]).toEqual([7, 0, 0, 0]);
    const big = new ByteWriter();
    for (let i = 0; i < 3000; i++) big.u32(i);
    expect(big.length).toBe(12000);
    expect(new DataView(big.finish().buffer).getUint32(11996, true)).toBe(2999);
  });
});
