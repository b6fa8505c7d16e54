import { describe, expect, it } from 'vitest';
import { nativeThreads, type NativeReport, type NativeThread } from '../src/raw.js';
import { describeFailures, interpret } from '../src/report.js';

function thread(tid: number, status: number, errnos: number[], extra: Partial<NativeThread> = {}): NativeThread {
  return { tid, status, round: 1, state: 83, starttime: 100n + BigInt(tid), ino: BigInt(tid), flags: 0, statErrno: 0, sendErrno: 0, errnos, ...extra };
}

/** Packs threads the way the addon does. */
function pack(threads: NativeThread[]): Pick<NativeReport, 'ints' | 'wide'> {
  const ints = new Int32Array(threads.length * 16);
  const wide = new BigUint64Array(threads.length * 2);
  threads.forEach((t, i) => {
    ints.set([t.tid, t.status, t.round, t.state, t.flags, t.statErrno, t.sendErrno, t.errnos.length, ...t.errnos], i * 16);
    wide.set([t.starttime, t.ino], i * 2);
  });
  return { ints, wide };
}

/** result 1 (the engine saw a miss) unless given: the report is then judged thread by thread. */
function raw(threads: NativeThread[], extra: Partial<NativeReport> = {}): NativeReport {
  return { result: 1, rounds: 2, callerTid: 1, error: 0, errorStep: null, timedOut: false, handlerRestored: true,
    elapsedNs: 400_000, engine: '/x.node', ...pack(threads), ...extra };
}

const ops = ['no-new-privs', 'landlock-restrict'] as const;

describe('nativeThreads', () => {
  it('unpacks what the addon packs', () => {
    const threads = [thread(1, 1, [0, 0]), thread(2, 2, [1], { flags: 0x10, statErrno: 13, sendErrno: 3, round: 4 }), thread(3, 8, [])];
    expect(nativeThreads(pack(threads))).toEqual(threads);
  });
});

describe('interpret', () => {
  it('is ok when every thread ran every op, and exited/zombie threads do not count against it', () => {
    const r = interpret(raw([thread(1, 1, [0, 0]), thread(2, 2, [0, 0]), thread(3, 3, []), thread(4, 7, [])]), ops);
    expect(r.ok).toBe(true);
    expect(r.threads.map((t) => [t.tid, t.status, t.ok])).toEqual([[1, 'self', true], [2, 'done', true], [3, 'exited', true], [4, 'zombie', true]]);
    expect(r.threads[0]!.ops).toEqual([{ op: 'no-new-privs', ran: true, errno: 0 }, { op: 'landlock-restrict', ran: true, errno: 0 }]);
    expect(r.elapsedMs).toBeCloseTo(0.4);
  });

  it('names the op that failed and marks the rest as not run', () => {
    const r = interpret(raw([thread(1, 1, [0, 0]), thread(2, 2, [1])]), ops);
    expect(r.ok).toBe(false);
    expect(r.threads[1]).toMatchObject({ errno: 1, ok: false, ops: [{ op: 'no-new-privs', ran: true, errno: 1, error: 'EPERM' }, { op: 'landlock-restrict', ran: false, errno: 0 }] });
    expect(describeFailures(r)).toBe('broadcast reached 1 of 2 threads (tid 2: no-new-privs EPERM)');
  });

  it.each([
    [4, 'timeout'], [5, 'io-worker'], [6, 'send-failed'], [8, 'not-sent'],
  ])('status %i (%s) is a failure', (status, name) => {
    const r = interpret(raw([thread(1, 1, [0, 0]), thread(2, status, [], { sendErrno: status === 6 ? 1 : 0 })]), ops);
    expect(r.ok).toBe(false);
    expect(r.threads[1]!.status).toBe(name);
  });

  it('is not ok on a mechanism error, a timeout, or without a calling thread', () => {
    expect(interpret(raw([thread(1, 1, [0, 0])], { error: 110, errorStep: 'wait for another broadcast' }), ops))
      .toMatchObject({ ok: false, error: { step: 'wait for another broadcast', errno: 110, name: 'ETIMEDOUT' } });
    expect(interpret(raw([thread(1, 1, [0, 0])], { timedOut: true }), ops).ok).toBe(false);
    expect(interpret(raw([thread(2, 2, [0, 0])]), ops).ok).toBe(false);
  });

  it('trusts the engine\'s result 0 and decodes the threads only when read, as the same threads', () => {
    const threads = [thread(1, 1, [0, 0]), thread(2, 2, [0, 0]), thread(3, 3, [])];
    const judged = interpret(raw(threads), ops);
    const trusted = interpret(raw(threads, { result: 0 }), ops);
    expect(trusted.ok).toBe(true);
    expect(trusted.reached).toBe(2);
    expect('get' in Object.getOwnPropertyDescriptor(trusted, 'threads')!).toBe(true);
    expect(trusted.threads).toEqual(judged.threads);
    expect(trusted.threads).toBe(trusted.threads);
    expect(JSON.parse(JSON.stringify(trusted, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).threads).toHaveLength(3);
    expect({ ...trusted }).toEqual(judged);
  });

  it('does not trust a result 0 that comes with a mechanism error or a timeout', () => {
    expect(interpret(raw([thread(1, 1, [0, 0])], { result: 0, timedOut: true }), ops).ok).toBe(false);
    expect(interpret(raw([thread(1, 1, [0, 0])], { result: 0, error: 4, errorStep: 'x' }), ops).ok).toBe(false);
  });

  it('flags io_uring workers', () => {
    expect(interpret(raw([thread(1, 1, [0, 0]), thread(2, 5, [], { flags: 0x10 })]), ops).threads[1]!.ioWorker).toBe(true);
  });
});
