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
    expect(lines.map((l) => l.split(/\s{2,}/)[0])).toEqual(['arch', 'kernel', 'landlock', 'seccomp', 'seccomp actions', 'user namespaces', 'no_new_privs', 'capabilities', 'threads', 'io_uring']);
    const column = lines.map((l) => /^\S+(?: \S+)?\s+/.exec(l)![0].length);
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
