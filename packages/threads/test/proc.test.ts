import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { count, describeBypass, ioUring, list, parseStat } from '../src/index.js';

describe('list()', () => {
  it('sees every thread of this process, including this one', () => {
    const threads = list();
    expect(threads.length).toBeGreaterThan(1);
    expect(threads.map((t) => t.tid)).toContain(process.pid);
    for (const t of threads) {
      expect(t.starttime).toBeGreaterThan(0n);
      expect(typeof t.blockedSignals).toBe('bigint');
    }
  });

  it('parses stat lines whose comm contains spaces and parentheses', () => {
    const line = '42 (a) b (c) S 1 42 42 0 -1 4194368 0 0 0 0 0 0 0 0 20 0 1 0 12345 0 0';
    expect(parseStat(line)).toEqual({ state: 'S', flags: 4194368, starttime: 12345n });
  });
});

describe('count()', () => {
  it('counts what list() lists, and a new worker\'s threads too', async () => {
    const before = count();
    const worker = new Worker('require("node:worker_threads").parentPort.postMessage(1); setInterval(() => {}, 1000);', { eval: true });
    await new Promise((resolve) => worker.once('message', resolve));
    expect(count()).toBeGreaterThan(before);
    expect(count()).toBe(list().length);
    await worker.terminate();
  });
});

describe('ioUring()', () => {
  it('finds no rings in a default Node 20 process (libuv io_uring is off)', () => {
    expect(ioUring()).toEqual({ rings: 0, sqpoll: 0, unverified: 0 });
  });
});

describe('describeBypass()', () => {
  it('names SQPOLL rings and rings it could not check apart', () => {
    expect(describeBypass({ rings: 3, sqpoll: 1, unverified: 0 })).toBe('1 io_uring SQPOLL ring(s)');
    expect(describeBypass({ rings: 2, sqpoll: 2, unverified: 2 })).toBe('2 io_uring ring(s) whose fdinfo cannot be read, so SQPOLL cannot be ruled out');
    expect(describeBypass({ rings: 3, sqpoll: 2, unverified: 1 })).toBe('1 io_uring SQPOLL ring(s) and 1 io_uring ring(s) whose fdinfo cannot be read, so SQPOLL cannot be ruled out');
  });
});
