import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dropOpsBeforeExec } from '@exile/caps';
import { compile } from '@exile/landlock';
import { buildPlan, encodePlan, launcherPath, type LaunchOptions } from '../src/index.js';
import { mutate, prng } from './fuzz/mutate.js';

const native = fileURLToPath(new URL('../native/', import.meta.url));
const harness = fileURLToPath(new URL('./fuzz/plan-fuzz.c', import.meta.url));
/** Headers the launcher builds with (binding.gyp): the threads engine's ops.h and its raw syscalls. */
const packageDir = (name: string, sub: string): string => join(dirname(createRequire(import.meta.url).resolve(`${name}/package.json`)), sub);

const KERNEL = { abi: 7, errata: 7, status: 'available' as const };
const SEED_OPTIONS: LaunchOptions[] = [
  {},
  { namespaces: 'all', uid: 0, hostname: 'h', dieWithParent: true, newSession: true, clearEnv: true, env: { A: '1' } },
  {
    namespaces: 'all', stdio: ['pipe', 'pipe', 'pipe', 'pipe'], fs: { root: 'empty', mounts: [
      { type: 'bind', source: '/usr', readOnly: true }, { type: 'tmpfs', target: '/tmp', size: 4096 }, { type: 'proc' }, { type: 'dev' },
      { type: 'dir', target: '/a' }, { type: 'symlink', target: '/bin', linkTo: 'usr/bin' }, { type: 'file', target: '/f', content: 'x\0y' },
    ] },
  },
  {
    preExec: [
      { type: 'landlock', ruleset: compile({ fs: { read: ['/usr'], exec: ['/proc/self/exe'] }, net: { connectTcp: [443] }, scope: ['signal'] }, KERNEL).ruleset },
      { type: 'caps', ops: dropOpsBeforeExec({ keep: ['CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH'] }, { userNamespace: true }) }, { type: 'no-new-privs' }, { type: 'seccomp', filter: new Uint8Array(64), flags: 1 },
    ],
  },
];
const seeds = SEED_OPTIONS.map((options) => encodePlan(buildPlan('sh', ['-c', 'echo hi'], options)));

function stream(plans: Uint8Array[]): Buffer {
  return Buffer.concat(plans.flatMap((p) => {
    const head = Buffer.alloc(4);
    head.writeUInt32LE(p.length);
    return [head, Buffer.from(p)];
  }));
}

function mutants(count: number, seed: number): Uint8Array[] {
  const random = prng(seed);
  return Array.from({ length: count }, (_, i) => mutate(seeds[i % seeds.length]!, random));
}

describe('fuzzing the plan decoder', () => {
  it('every seed plan is valid for the C decoder', () => {
    for (const seed of seeds) expect(spawnSync(launcherPath, ['--check'], { input: seed, encoding: 'utf8' }).stdout).toBe('ok\n');
  });

  it('survives 40,000 mutated plans under AddressSanitizer and UBSan', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exile-fuzz-'));
    const binary = join(dir, 'plan-fuzz');
    execFileSync('gcc', ['-std=gnu11', '-g', '-O1', '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fno-strict-aliasing',
      '-I', packageDir('@exile/threads', 'native/engine'), '-I', packageDir('@exile/common', 'include'),
      '-o', binary, harness, join(native, 'plan.c')]);
    const input = stream([...seeds, ...mutants(40_000, 0x5eed)]);
    const result = spawnSync(binary, [], { input, encoding: 'utf8', maxBuffer: 1 << 20, env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const [valid, invalid] = result.stdout.trim().split(' ').map(Number);
    expect(valid! + invalid!).toBe(40_000 + seeds.length);
    expect(valid).toBeGreaterThan(seeds.length); // some mutants stay valid: the fuzzer reaches deep
    expect(invalid).toBeGreaterThan(30_000);
  }, 120_000);

  it('the shipped launcher never crashes on mutated plans (--check)', () => {
    const random = prng(0xbad);
    for (let i = 0; i < 150; i++) {
      const plan = mutate(seeds[i % seeds.length]!, random);
      const result = spawnSync(launcherPath, ['--check'], { input: plan, encoding: 'utf8' });
      expect(result.signal, `mutant ${i}`).toBeNull();
      expect([0, 2]).toContain(result.status);
    }
  }, 120_000);
});
