import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('exile CLI', () => {
  it('probe prints an aligned table', () => {
    const r = run('probe');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s{2,}/)[0])).toEqual(['arch', 'kernel', 'landlock', 'landlock, newer kernels', 'seccomp', 'seccomp actions', 'user namespaces', 'no_new_privs', 'capabilities', 'threads', 'io_uring']);
    const column = lines.map((l) => /^\S+(?: \S+)*?\s{2,}/.exec(l)![0].length);
    expect(new Set(column).size).toBe(1);
  });

  it('probe --json prints JSON', () => {
    const r = run('probe', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('landlock.abi');
  });

  it.each([[['bogus']], [['probe', '--jsn']], [[]]])('exits 2 with usage on %j', (args) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('usage: exile');
  });

  it('help exits 0', () => {
    expect(run('help').status).toBe(0);
    expect(run('--help').stdout).toContain('probe');
  });
});

describe('exile --version and exile help vows', () => {
  it('--version prints the package version', async () => {
    const { version } = (await import('../package.json', { with: { type: 'json' } })).default;
    expect(run('--version')).toMatchObject({ status: 0, stdout: `exile ${version}\n` });
  });

  it('help vows lists every vow of @exile/vows with its description and every syscall it allows', async () => {
    const { VOW_NAMES, VOWS } = await import('@exile/vows');
    const r = run('help', 'vows');
    expect(r.status).toBe(0);
    const sections = r.stdout.split('\n\n').slice(2);
    expect(sections.map((s) => s.split(/\s/)[0])).toEqual([...VOW_NAMES]);
    for (const [i, vow] of VOW_NAMES.entries()) {
      const words = sections[i]!.split(/\s+/);
      expect(sections[i]!.replace(/\s+/g, ' ')).toContain(VOWS[vow].description);
      for (const name of [...VOWS[vow].syscalls, ...VOWS[vow].rules.flatMap((rule) => rule.syscall)]) expect(words).toContain(name);
    }
    expect(run('help', 'nothing').status).toBe(2);
  });
});
