import { describe, expect, it } from 'vitest';
import { ioUring, list, parseStat } from '../src/index.js';

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

describe('ioUring()', () => {
  it('finds no rings in a default Node 20 process (libuv io_uring is off)', () => {
    expect(ioUring()).toEqual({ rings: 0, sqpoll: 0 });
  });
});
