import { describe, expect, it } from 'vitest';
import { VOW_NAMES, type Vow } from '../src/names.js';
import { cost, vowsAllowing, type ObservedCall } from '../src/allowing.js';
import { coverCalls } from '../src/cover.js';

const AT_FDCWD = -100;
const open = (flags: number, mode = 0): ObservedCall => ({ syscall: 'openat', args: [AT_FDCWD, 0, flags, mode] });

const POOL: ObservedCall[] = [
  open(0), open(2), open(0o1101, 0o644), open(0o100, 0o600), { syscall: 'getdents64' }, { syscall: 'unlinkat' },
  { syscall: 'mkdirat', args: [AT_FDCWD, 0, 0o755] }, { syscall: 'fchmodat', args: [AT_FDCWD, 0, 0o644] },
  { syscall: 'socket', args: [2, 1, 0] }, { syscall: 'socket', args: [2, 2, 0] }, { syscall: 'socket', args: [1, 1, 0] },
  { syscall: 'connect' }, { syscall: 'bind' }, { syscall: 'sendmsg' }, { syscall: 'recvmsg' }, { syscall: 'execve' },
  { syscall: 'clone', args: [0x1200011] }, { syscall: 'clone', args: [0x3d0f00] }, { syscall: 'kill', args: [1, 9] },
  { syscall: 'ioctl', args: [1, 0x5402] }, { syscall: 'ioctl', args: [1, 0x8912] }, { syscall: 'fcntl', args: [3, 7] },
  { syscall: 'newfstatat', args: [AT_FDCWD, 0, 0, 0] }, { syscall: 'statx', args: [AT_FDCWD, 0, 0] },
  { syscall: 'utimensat' }, { syscall: 'fchownat' }, { syscall: 'inotify_add_watch' }, { syscall: 'sysinfo' },
  { syscall: 'memfd_create' }, { syscall: 'prctl', args: [1, 9] }, { syscall: 'sched_setaffinity' },
  { syscall: 'mknodat', args: [AT_FDCWD, 0, 0o10644] }, { syscall: 'flock' }, { syscall: 'setsockopt', args: [3, 6, 1] },
];

const alternatives = new Map<ObservedCall, Vow[][]>();
const allowing = (call: ObservedCall): Vow[][] => {
  if (!alternatives.has(call)) alternatives.set(call, vowsAllowing(call));
  return alternatives.get(call)!;
};
const covers = (vows: ReadonlySet<Vow>, call: ObservedCall): boolean => allowing(call).some((set) => set.every((vow) => vows.has(vow)));

/** The cheapest covering set by trying every subset of the vows the calls mention (small universes only). */
function bruteForce(calls: readonly ObservedCall[]): number {
  const coverable = calls.filter((call) => allowing(call).length > 0);
  const universe = [...new Set(coverable.flatMap((call) => allowing(call).flat()))];
  let best = Infinity;
  for (let mask = 0; mask < 1 << universe.length; mask++) {
    const set = new Set(universe.filter((_, i) => mask & (1 << i)));
    if (coverable.every((call) => covers(set, call))) best = Math.min(best, cost([...set]));
  }
  return best;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('coverCalls', () => {
  it('is exact: random call lists get a cover as cheap as the best of every subset', () => {
    const random = lcg(3);
    for (let round = 0; round < 40; round++) {
      const calls = POOL.filter(() => random() < 0.25);
      const { vows } = coverCalls(calls);
      const set = new Set(vows);
      for (const call of calls) if (vowsAllowing(call).length > 0) expect(covers(set, call), JSON.stringify(call)).toBe(true);
      const universe = new Set(calls.flatMap((call) => vowsAllowing(call).flat()));
      if (universe.size <= 14) expect(cost(vows), `${JSON.stringify(calls)} → ${vows.join(' ')}`).toBe(bruteForce(calls));
    }
  });

  it('prefers narrow vows: reading files is rpath, not dns or tmppath; writing adds wpath cpath', () => {
    expect(coverCalls([open(0), { syscall: 'newfstatat', args: [AT_FDCWD, 0, 0, 0] }]).vows).toEqual(['rpath']);
    expect(coverCalls([open(0), { syscall: 'getdents64' }, open(0o1101, 0o644)]).vows).toEqual(['rpath', 'wpath', 'cpath']);
    expect(coverCalls([{ syscall: 'socket', args: [2, 1, 0] }, { syscall: 'connect' }]).vows).toEqual(['inet']);
    expect(coverCalls([{ syscall: 'socket', args: [2, 1, 0] }, { syscall: 'listen' }]).vows).toEqual(['anet']);
  });

  it('keeps the required vows and lists uncovered calls apart', () => {
    const ptrace = { syscall: 'ptrace', args: [16] };
    expect(coverCalls([ptrace, open(0)], { required: ['stdio'] })).toEqual({ vows: ['stdio', 'rpath'], uncovered: [ptrace] });
    expect(coverCalls([])).toEqual({ vows: [], uncovered: [] });
  });

  it('covers the whole pool (every vow family at once) in table order', () => {
    const { vows, uncovered } = coverCalls(POOL, { required: ['stdio'] });
    expect(uncovered).toEqual([]);
    expect(vows).toEqual(VOW_NAMES.filter((vow) => vows.includes(vow)));
    for (const call of POOL) expect(covers(new Set(vows), call), JSON.stringify(call)).toBe(true);
  });
});

describe('coverCalls tie-breaks', () => {
  it('prefers thread over clone for threads, and clone alone once a process is forked too', () => {
    const thread = { syscall: 'clone', args: [0x3d0f00] };
    const fork = { syscall: 'clone', args: [0x1200011] };
    expect(coverCalls([thread], { required: ['stdio'] }).vows).toEqual(['stdio', 'thread']);
    expect(coverCalls([thread, fork], { required: ['stdio'] }).vows).toEqual(['stdio', 'clone']);
  });
});
