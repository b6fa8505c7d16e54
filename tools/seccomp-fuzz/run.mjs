#!/usr/bin/env node
// Long differential fuzzing of @exile/seccomp: compiled BPF (run by our interpreter) against
// decide(), and against libseccomp's BPF, with a fresh seed each run unless one is given.
//   node tools/seccomp-fuzz/run.mjs [cases per arch, default 5000000] [seed]
// A failure prints the policy and input; rerun with the printed seed to reproduce.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cases = process.argv[2] ?? '5000000';
const seed = process.argv[3] ?? String(Date.now() % 1_000_000_007);
console.log(`seccomp fuzz: ${cases} cases per arch, seed ${seed}`);
const result = spawnSync('pnpm', ['exec', 'vitest', 'run', '--project', '@exile/seccomp', 'test/differential.test.ts', 'test/libseccomp.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    EXILE_FUZZ_CASES: cases,
    EXILE_FUZZ_SEED: seed,
    EXILE_LIBSECCOMP_POLICIES: String(Math.max(30, Math.round(Number(cases) / 20000))),
  },
});
process.exit(result.status ?? 1);
