import { describe, expect, it } from 'vitest';
import { nativeArch, syscalls } from '@exile/seccomp';
import { readViolationRecord, violationReport } from '@exile/vows';
import { childMessage, deframer, frame, MAX_FRAME, ProtocolError, readMessage } from '../src/launch/protocol.js';

const framed = (body: Buffer) => Buffer.concat([Buffer.from(Uint32Array.of(body.length).buffer), body]);

describe('launch protocol: frames', () => {
  it('a message crosses whole, split across chunks at any byte', () => {
    const bytes = Buffer.concat([frame({ type: 'ready' }), frame({ type: 'result', value: new Map([['a', 2n ** 70n]]) })]);
    for (const size of [1, 3, 5, bytes.length]) {
      const got: unknown[] = [];
      const feed = deframer((m) => got.push(m));
      for (let at = 0; at < bytes.length; at += size) feed(bytes.subarray(at, at + size));
      expect(got).toEqual([{ type: 'ready' }, { type: 'result', value: new Map([['a', 2n ** 70n]]) }]);
    }
  });

  it('a 12-byte malformed frame is a ProtocolError, not a crash', () => {
    const feed = deframer(() => { throw new Error('must not be called'); });
    expect(() => feed(framed(Buffer.from([0xff, 0x0f, 0x6f, 0x22, 0x99, 0x99, 0x99, 0x99])))).toThrow(ProtocolError);
  });

  it('a frame announcing more than MAX_FRAME is refused from its header, before any buffering', () => {
    const feed = deframer(() => {});
    expect(() => feed(Buffer.from(Uint32Array.of(MAX_FRAME + 1).buffer))).toThrow(/limit is/);
    const chunks = [Buffer.from(Uint32Array.of(0xffffffff).buffer)];
    expect(() => readMessage(() => chunks.shift())).toThrow(ProtocolError);
  });

  it('readMessage: undefined at a clean end, ProtocolError inside a message', () => {
    expect(readMessage(() => undefined)).toBeUndefined();
    const parts = [Buffer.from(Uint32Array.of(10).buffer), undefined];
    expect(() => readMessage(() => parts.shift())).toThrow(/inside a message/);
  });
});

describe('launch protocol: what the child may send', () => {
  it('accepts the three shapes and copies only their own fields', () => {
    expect(childMessage({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(childMessage({ type: 'result', value: undefined })).toEqual({ type: 'result', value: undefined });
    expect(childMessage({ type: 'error', error: { name: 'RangeError', message: 'far', code: 'E_FAR', extra: 1 } }))
      .toEqual({ type: 'error', error: { name: 'RangeError', message: 'far', code: 'E_FAR' } });
    expect(childMessage({ type: 'error', error: { name: 'Error', message: 'ending' }, final: true })).toMatchObject({ final: true });
    // A pool worker's warm-up that failed (its index).
    expect(childMessage({ type: 'error', error: { name: 'Error', message: 'cold' }, warmup: 2 })).toMatchObject({ warmup: 2 });
    // A system error's call and path, which explain a denial.
    expect(childMessage({ type: 'error', error: { name: 'Error', message: 'm', code: 'EACCES', syscall: 'open', path: '/p', port: 1 } }))
      .toEqual({ type: 'error', error: { name: 'Error', message: 'm', code: 'EACCES', syscall: 'open', path: '/p', port: 1 } });
  });

  it('refuses anything else', () => {
    for (const bad of [null, 1, 'ready', [], { type: 'ready', value: 1 }, { type: 'result' }, { type: 'error', error: { name: 1, message: '' } },
      { type: 'error', error: { name: 'E', message: 'm', code: {} } }, { type: 'error', error: { name: 'E', message: 'm', details: 'x' } }, { type: 'error', error: { name: 'E', message: 'm' }, final: 1 }, { type: 'other' },
      { type: 'error', error: { name: 'E', message: 'm' }, warmup: -1 }, { type: 'error', error: { name: 'E', message: 'm' }, warmup: 0.5 }, { type: 'error', error: { name: 'E', message: 'm' }, warmup: '0' },
      { type: 'error', error: { name: 'E', message: 'm', path: 1 } }, { type: 'error', error: { name: 'E', message: 'm', port: '80' } }]) {
      expect(() => childMessage(bad), JSON.stringify(bad)).toThrow(ProtocolError);
    }
    // Deserialized from bytes: an inherited "type" does not count.
    expect(() => childMessage(Object.create({ type: 'ready' }))).toThrow(ProtocolError);
  });
});

describe('launch protocol: the violation record', () => {
  const token = Buffer.from('0123456789abcdef');
  const arch = nativeArch()!;
  const nr = (name: string): number => syscalls.number(name, arch)!;
  /** What the SIGSYS handler writes after the token (vows' native/handler.c write_record). */
  const record = (call: number, args: bigint[] = [], pid = 7): Buffer => {
    const b = Buffer.alloc(64);
    b.writeUInt32LE(0x31525845, 0);
    b.writeUInt32LE(pid, 4);
    b.writeBigInt64LE(BigInt(call), 8);
    args.forEach((a, i) => b.writeBigUInt64LE(a, 16 + 8 * i));
    return b;
  };

  it('reads the call after the token and explains it as the reporter does', () => {
    const got = readViolationRecord(Buffer.concat([Buffer.from('noise'), token, record(nr('socket'), [2n, 1n])]), token)!;
    expect(got).toEqual({ pid: 7, nr: nr('socket'), args: [2n, 1n, 0n, 0n, 0n, 0n] });
    expect(violationReport(got, ['stdio'], arch)).toEqual({ syscall: 'socket', vows: ['inet'], line: 'exile: socket(2) blocked by vows; add "inet" to allow\n' });
    expect(violationReport({ pid: 7, nr: nr('ptrace'), args: [] }, ['stdio'], arch)).toMatchObject({ syscall: 'ptrace', vows: [] });
    expect(violationReport({ pid: 7, nr: 9999, args: [] }, ['stdio'], arch)).toEqual({ syscall: '9999', vows: [], line: 'exile: syscall 9999 blocked by vows; no vow allows it\n' });
  });

  it('explains with the pid the child sees itself as: a signal to itself needs stdio, to another process proc', () => {
    expect(violationReport({ pid: 7, nr: nr('kill'), args: [7n, 15n] }, [], arch).vows).toEqual(['stdio']);
    expect(violationReport({ pid: 7, nr: nr('kill'), args: [8n, 15n] }, ['stdio'], arch).vows).toEqual(['proc']);
  });

  it('ignores records without the token, with another token, cut short or not starting with the magic', () => {
    expect(readViolationRecord(record(nr('socket')), token)).toBeUndefined();
    expect(readViolationRecord(Buffer.concat([Buffer.from('fedcba9876543210'), record(nr('socket'))]), token)).toBeUndefined();
    expect(readViolationRecord(Buffer.concat([token, record(nr('socket')).subarray(0, 63)]), token)).toBeUndefined();
    expect(readViolationRecord(Buffer.concat([token, Buffer.from('exile: socket(2) blocked by vows; add "inet" to allow\n'.padEnd(64))]), token)).toBeUndefined();
  });
});
