import { describe, expect, it } from 'vitest';
import { decide, type ArgCheck } from '@exile/seccomp';
import { seccompPolicy } from '../src/seccomp-policy.js';
import { VOW_NAMES, type Vow } from '../src/names.js';
import { VOWS } from '../src/table.js';
import { vowsAllowing, vowsToAdd, type ObservedCall } from '../src/allowing.js';
import { suggestRule, suggestRules } from '../src/suggest-rule.js';
import { PID } from './helpers.js';

const O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_TRUNC = 0o1000, O_DIRECTORY = 0o200000, O_CLOEXEC = 0o2000000;
const AT_FDCWD = -100;

/** What the compiled filter of exactly `vows` (pure pledge semantics) does with `call`. */
function allowedBy(vows: readonly Vow[], call: ObservedCall): boolean {
  const policy = seccompPolicy(vows.length === 0 ? [] : [...vows], { pid: PID, runtime: 'none', report: false });
  return decide(policy, 'x86_64', call.syscall, (call.args ?? []).map((a) => BigInt.asUintN(64, BigInt(a)))) === 'allow';
}

const CALLS: ObservedCall[] = [
  { syscall: 'openat', args: [AT_FDCWD, 0, O_DIRECTORY | O_CLOEXEC] },
  { syscall: 'openat', args: [AT_FDCWD, 0, O_RDWR] },
  { syscall: 'openat', args: [AT_FDCWD, 0, O_WRONLY | O_CREAT | O_TRUNC, 0o644] },
  { syscall: 'openat', args: [AT_FDCWD, 0, O_WRONLY | O_CREAT, 0o4755] },
  { syscall: 'openat', args: [AT_FDCWD, 0, 3] },
  { syscall: 'mkdirat', args: [AT_FDCWD, 0, 0o755] },
  { syscall: 'fchmodat', args: [AT_FDCWD, 0, 0o4755] },
  { syscall: 'fchmodat', args: [AT_FDCWD, 0, 0o644] },
  { syscall: 'socket', args: [2, 1 | 0o4000, 0] },
  { syscall: 'socket', args: [2, 2, 0] },
  { syscall: 'socket', args: [1, 1, 0] },
  { syscall: 'socket', args: [16, 3, 0] },
  { syscall: 'bind', args: [3, 0, 16] },
  { syscall: 'ioctl', args: [1, 0x5401] },
  { syscall: 'ioctl', args: [1, 0x5412] },
  { syscall: 'ioctl', args: [1, 0x5402] },
  { syscall: 'prctl', args: [15] },
  { syscall: 'prctl', args: [4, 1] },
  { syscall: 'kill', args: [PID, 0], pid: PID },
  { syscall: 'kill', args: [PID + 1, 9], pid: PID },
  { syscall: 'kill', args: [PID, 0] },
  { syscall: 'clone', args: [0x3d0f00] },
  { syscall: 'clone', args: [0x1200011] },
  { syscall: 'clone', args: [0x10000000] },
  { syscall: 'clone3', args: [0, 88] },
  { syscall: 'execve' },
  { syscall: 'mmap', args: [0, 4096, 5, 2] },
  { syscall: 'mmap', args: [0, 4096, 3, 0x22] },
  { syscall: 'fcntl', args: [3, 6] },
  { syscall: 'sendmsg', args: [3, 0, 0] },
  { syscall: 'shmat', args: [1, 0, 0o100000] },
  { syscall: 'ptrace', args: [16, 1] },
  { syscall: 'exit_group', args: [0] },
  { syscall: 'seccomp', args: [1, 1, 0] },
  { syscall: 'getdents64' },
  { syscall: 'unlinkat' },
  { syscall: 'renameat2' },
  { syscall: 'newfstatat', args: [3, 0, 0, 0x1000] },
  { syscall: 'newfstatat', args: [AT_FDCWD, 0, 0, 0] },
];

const subsetOf = (a: readonly Vow[], b: readonly Vow[]): boolean => a.every((v) => b.includes(v));

/** A deterministic pseudo-random generator, so failures reproduce. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('vowsAllowing', () => {
  it('answers what the compiled filter does: each alternative allows the call, and nothing smaller does', () => {
    for (const call of CALLS) {
      const alternatives = vowsAllowing(call);
      for (const set of alternatives) {
        expect(allowedBy(set, call), `${JSON.stringify(call)} under ${set.join(' ')}`).toBe(true);
        for (const dropped of set) expect(allowedBy(set.filter((v) => v !== dropped), call), `${JSON.stringify(call)} without ${dropped}`).toBe(false);
      }
    }
  });

  it('agrees with the compiler for random vow sets: allowed exactly when some alternative is granted', () => {
    const random = lcg(12);
    for (let round = 0; round < 150; round++) {
      const vows = VOW_NAMES.filter(() => random() < 0.2);
      const call = { pid: PID, ...CALLS[Math.floor(random() * CALLS.length)]! };
      const predicted = vowsAllowing(call).some((set) => subsetOf(set, vows));
      expect(predicted, `${JSON.stringify(call)} under "${vows.join(' ')}"`).toBe(allowedBy(vows, call));
    }
  });

  it('agrees with the compiler on every checked argument value the table names', () => {
    // For each argument-checked rule, try the values its checks compare against (and one past them).
    const random = lcg(7);
    const probes: ObservedCall[] = [];
    for (const vow of VOW_NAMES) {
      for (const rule of VOWS[vow].rules) {
        const name = typeof rule.syscall === 'string' ? rule.syscall : rule.syscall[0]!;
        if (name === 'open' || rule.args === undefined) continue;
        const args: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n];
        for (const check of rule.args as ArgCheck[]) args[check.index] = BigInt(check.value) + (random() < 0.2 ? 1n : 0n);
        probes.push({ syscall: name, args, pid: PID });
      }
    }
    for (const call of probes) {
      const vows = VOW_NAMES.filter(() => random() < 0.3);
      const predicted = vowsAllowing(call).some((set) => subsetOf(set, vows));
      expect(predicted, `${JSON.stringify(call, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))} under "${vows.join(' ')}"`).toBe(allowedBy(vows, call));
    }
  });

  it('names the narrow vows first and honours requires', () => {
    expect(vowsAllowing({ syscall: 'openat', args: [AT_FDCWD, 0, O_DIRECTORY] })[0]).toEqual(['rpath']);
    expect(vowsAllowing({ syscall: 'openat', args: [AT_FDCWD, 0, O_RDWR] })).toEqual([['rpath', 'wpath'], ['tmppath']]);
    expect(vowsAllowing({ syscall: 'socket', args: [2, 1, 0] })[0]).toEqual(['anet']);
    expect(vowsAllowing({ syscall: 'socket', args: [2, 2, 0] })[0]).toEqual(['inet']);
  });

  it('needs no vow for exit and stacking a filter, and none allows ptrace, clone3 or namespaces', () => {
    expect(vowsAllowing({ syscall: 'exit_group', args: [0] })).toEqual([[]]);
    expect(vowsAllowing({ syscall: 'ptrace' })).toEqual([]);
    expect(vowsAllowing({ syscall: 'clone3' })).toEqual([]);
    expect(vowsAllowing({ syscall: 'clone', args: [0x10000000] })).toEqual([]);
    expect(vowsAllowing({ syscall: 'openat', args: [AT_FDCWD, 0, O_WRONLY | O_CREAT, 0o4755] })).toEqual([]);
  });

  it('allows a self-signal with stdio only when the caller pid is known', () => {
    expect(vowsAllowing({ syscall: 'kill', args: [PID, 0], pid: PID })).toEqual([['proc'], ['stdio']]);
    expect(vowsAllowing({ syscall: 'kill', args: [PID, 0] })).toEqual([['proc']]);
    expect(vowsAllowing({ syscall: 'kill', args: [PID + 1, 0], pid: PID })).toEqual([['proc']]);
  });
});

describe('vowsToAdd', () => {
  it('returns the fewest missing vows, [] when already allowed, undefined when no vow can', () => {
    expect(vowsToAdd({ syscall: 'socket', args: [2, 1, 0] }, ['stdio', 'rpath'])).toEqual(['inet']);
    expect(vowsToAdd({ syscall: 'socket', args: [2, 1, 0] }, ['stdio', 'inet'])).toEqual([]);
    expect(vowsToAdd({ syscall: 'openat', args: [AT_FDCWD, 0, O_RDWR] }, ['stdio', 'rpath'])).toEqual(['wpath']);
    expect(vowsToAdd({ syscall: 'openat', args: [AT_FDCWD, 0, O_WRONLY | O_CREAT | O_TRUNC, 0o644] }, ['stdio'])).toEqual(['wpath', 'cpath']);
    expect(vowsToAdd({ syscall: 'ptrace' }, ['stdio'])).toBeUndefined();
  });
});

describe('suggestRule', () => {
  it('pins the key arguments and leaves the rest free', () => {
    expect(suggestRule({ syscall: 'socket', args: [16, 3 | 0o2000000, 9] })).toEqual({
      syscall: 'socket', action: 'allow', args: [
        { index: 0, op: 'eq', value: 16, width: 32 },
        { index: 1, op: 'masked-eq', mask: 0xf, value: 3, width: 32 },
        { index: 2, op: 'eq', value: 9, width: 32 },
      ],
    });
    expect(suggestRule({ syscall: 'mount', args: [1, 2, 3] })).toEqual({ syscall: 'mount', action: 'allow' });
  });

  it('the suggested rule allows that call under the vows and nothing of another shape', () => {
    const call = { syscall: 'ioctl', args: [1, 0x1234] };
    const policy = seccompPolicy('stdio', { pid: PID, runtime: 'none', report: false, rules: [suggestRule(call)] });
    expect(decide(policy, 'x86_64', 'ioctl', [1n, 0x1234n])).toBe('allow');
    expect(decide(policy, 'x86_64', 'ioctl', [1n, 0x1235n])).not.toBe('allow');
  });

  it('gives one rule per distinct shape', () => {
    expect(suggestRules([{ syscall: 'ptrace', args: [16] }, { syscall: 'ptrace', args: [16, 99] }, { syscall: 'ptrace', args: [17] }]))
      .toHaveLength(2);
  });
});
