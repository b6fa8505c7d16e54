import { describe, expect, it } from 'vitest';
import { childMessage, deframer, frame, MAX_FRAME, ProtocolError, readMessage, recordedViolation } from '../src/launch/protocol.js';

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
    // A system error's call and path, which explain a denial.
    expect(childMessage({ type: 'error', error: { name: 'Error', message: 'm', code: 'EACCES', syscall: 'open', path: '/p', port: 1 } }))
      .toEqual({ type: 'error', error: { name: 'Error', message: 'm', code: 'EACCES', syscall: 'open', path: '/p', port: 1 } });
  });

  it('refuses anything else', () => {
    for (const bad of [null, 1, 'ready', [], { type: 'ready', value: 1 }, { type: 'result' }, { type: 'error', error: { name: 1, message: '' } },
      { type: 'error', error: { name: 'E', message: 'm', code: {} } }, { type: 'error', error: { name: 'E', message: 'm', details: 'x' } }, { type: 'error', error: { name: 'E', message: 'm' }, final: 1 }, { type: 'other' },
      { type: 'error', error: { name: 'E', message: 'm', path: 1 } }, { type: 'error', error: { name: 'E', message: 'm', port: '80' } }]) {
      expect(() => childMessage(bad), JSON.stringify(bad)).toThrow(ProtocolError);
    }
    // Deserialized from bytes: an inherited "type" does not count.
    expect(() => childMessage(Object.create({ type: 'ready' }))).toThrow(ProtocolError);
  });
});

describe('launch protocol: the violation record', () => {
  const token = Buffer.from('0123456789abcdef');
  it('reads the reporter line that follows the token', () => {
    const record = Buffer.concat([token, Buffer.from('exile: socket(2) blocked by vows; add "inet" to allow\n')]);
    expect(recordedViolation(record, token)).toEqual({ syscall: 'socket', vows: ['inet'], line: 'exile: socket(2) blocked by vows; add "inet" to allow' });
    expect(recordedViolation(Buffer.concat([token, Buffer.from('exile: openat(2) blocked by vows; add "wpath" and "cpath" to allow\n')]), token)?.vows).toEqual(['wpath', 'cpath']);
    expect(recordedViolation(Buffer.concat([token, Buffer.from('exile: ptrace(2) blocked by vows; no vow allows it\n')]), token)).toMatchObject({ syscall: 'ptrace', vows: [] });
    expect(recordedViolation(Buffer.concat([token, Buffer.from('exile: syscall 451 blocked by vows; no vow allows it\n')]), token)).toMatchObject({ syscall: '451' });
  });

  it('ignores lines without the token, with another token, or not in the reporter\'s words', () => {
    const line = Buffer.from('exile: socket(2) blocked by vows; add "inet" to allow\n');
    expect(recordedViolation(line, token)).toBeUndefined();
    expect(recordedViolation(Buffer.concat([Buffer.from('fedcba9876543210'), line]), token)).toBeUndefined();
    expect(recordedViolation(Buffer.concat([token, Buffer.from('exile: socket(2) blocked by vows; add "inet" to allow; and ERR_EXILE_UNSUPPORTED\n')]), token)).toBeUndefined();
  });
});
