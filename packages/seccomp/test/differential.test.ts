import { describe, expect, it } from 'vitest';
import { ARCH_NAMES, ExileError, compile, decide, evaluate, type BpfProgram, type SeccompPolicy } from '../src/index.js';
import { decodeAction } from '../src/actions.js';
import { decideValue } from '../src/decide.js';
import { normalize } from '../src/validate.js';
import { Gen, rng } from './random-policy.js';
import { constWalk } from './helpers/const-walk.js';
import { ARCHES } from '../src/arches.js';

// FUZZ_CASES raises the count for tools/seccomp-fuzz; CI runs the default.
const CASES = Number(process.env.EXILE_FUZZ_CASES ?? 200_000);
const SEED = Number(process.env.EXILE_FUZZ_SEED ?? 1);
const INPUTS_PER_POLICY = 500;
// Synchronous and CPU-bound: generous on a loaded machine, scaled for long fuzz runs.
const TIMEOUT = 120_000 * Math.max(1, CASES / 200_000);

describe.each(ARCH_NAMES)('compiled program == decide() on %s', (arch) => {
  it(`agrees on ${CASES} random (policy, nr, args) cases`, () => {
    const gen = new Gen(rng(SEED * 7919 + ARCH_NAMES.indexOf(arch)));
    let done = 0;
    let policies = 0;
    let maxLength = 0;
    const known = Object.values(ARCHES[arch].table);
    while (done < CASES) {
      const policy: SeccompPolicy = gen.policy(arch);
      let program: BpfProgram;
      try {
        program = compile(policy, { arch });
      } catch (error) {
        // Big random policies may not fit in 4096 instructions; that refusal is tested elsewhere.
        if (error instanceof ExileError && Number(error.details.length) > 4096) continue;
        throw error;
      }
      const normalized = normalize(policy, arch);
      maxLength = Math.max(maxLength, program.length);
      policies++;
      // Syscalls whose first rule has no argument checks must be decided without loading arguments.
      const first = new Map<number, boolean>();
      for (const rule of normalized.rules) for (const n of rule.nrs) if (!first.has(n)) first.set(n, rule.checks.length === 0);
      for (let k = policies % 8; k < known.length; k += 8) if (!first.has(known[k]!)) first.set(known[k]!, true);
      for (const [n, unconditional] of first) {
        if (!unconditional) continue;
        const walked = constWalk(program, n, ARCHES[arch].audit);
        const want = decideValue(normalized, n, []);
        if (walked !== want) expect({ nr: n, policy: JSON.stringify(policy, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)), walked }).toEqual({ want });
      }
      for (let i = 0; i < INPUTS_PER_POLICY && done < CASES; i++, done++) {
        const { nr, args } = gen.input(arch, policy);
        const got = evaluate(program, { nr, args }).action;
        // decide() re-validates the policy on every call; the first input of each policy goes through it.
        const want = i === 0 ? decide(policy, arch, nr, args) : decodeAction(decideValue(normalized, nr, args));
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          expect({ policy: JSON.stringify(policy, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)), nr, args: args.map(String), got })
            .toEqual({ want });
        }
      }
    }
    expect(done).toBe(CASES);
    expect(policies).toBeGreaterThan(100);
    // The random big policies must exercise far jumps.
    expect(maxLength).toBeGreaterThan(300);
  }, TIMEOUT);
});
