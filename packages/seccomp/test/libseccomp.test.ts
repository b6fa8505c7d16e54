import { describe, expect, it } from 'vitest';
import { ARCH_NAMES, compile, evaluate } from '../src/index.js';
import { program } from '../src/compile.js';
import { normalize } from '../src/validate.js';
import { NEWER_THAN_LIBSECCOMP, libseccompBpf } from './helpers/libseccomp.js';
import { Gen, rng } from './random-policy.js';

// On i386 libseccomp rewrites these onto socketcall/ipc and refuses argument checks in its exact API.
const MULTIPLEXED = new Set(['socket', 'bind', 'connect', 'listen', 'accept', 'accept4', 'getsockname', 'getpeername', 'socketpair',
  'send', 'sendto', 'recv', 'recvfrom', 'shutdown', 'setsockopt', 'getsockopt', 'sendmsg', 'recvmsg', 'recvmmsg', 'sendmmsg',
  'semop', 'semget', 'semctl', 'semtimedop', 'msgsnd', 'msgrcv', 'msgget', 'msgctl', 'shmat', 'shmdt', 'shmget', 'shmctl']);

const POLICIES = Number(process.env.EXILE_LIBSECCOMP_POLICIES ?? 30);
const INPUTS = 2000;
const SEED = Number(process.env.EXILE_FUZZ_SEED ?? 1);
const TIMEOUT = 120_000 * Math.max(1, POLICIES / 30);

describe.each(ARCH_NAMES)('same actions as libseccomp on %s', (arch) => {
  it.each([1, 2] as const)(`agrees on ${POLICIES} random policies × ${INPUTS} inputs (libseccomp optimize=%i)`, (optimize) => {
    const gen = new Gen(rng(SEED * 4242 + optimize * 10 + ARCH_NAMES.indexOf(arch)));
    for (let p = 0; p < POLICIES; p++) {
      const policy = gen.libseccompPolicy(arch, (name) => !NEWER_THAN_LIBSECCOMP.has(name) && !(arch === 'i386' && MULTIPLEXED.has(name)));
      const ours = compile(policy, { arch });
      const theirs = program(arch, libseccompBpf(normalize(policy, arch), optimize));
      for (let i = 0; i < INPUTS; i++) {
        const { nr, args } = gen.input(arch, policy);
        // On i386 the kernel passes 32-bit arguments: the high halves are zero.
        const input = { nr, args: arch === 'i386' ? args.map((a) => a & 0xffffffffn) : args };
        const a = evaluate(ours, input);
        const b = evaluate(theirs, input);
        if (a.value !== b.value) {
          expect({ policy: JSON.stringify(policy, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)), nr, args: input.args.map(String), ours: a.action }).toEqual({ theirs: b.action });
        }
      }
    }
  }, TIMEOUT);
});
