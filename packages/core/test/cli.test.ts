import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
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

// dist/cli.cjs runs dist/cli.bundle.cjs with the V8 code cache the build made (tools/bin-launcher.cjs).
describe("exile's start: the bundle and its code cache", () => {
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));

  it('V8 accepts the cache in a Node started as the bin starts (no flags)', () => {
    const check = `const { readFileSync } = require('node:fs');
      const bytes = readFileSync(${JSON.stringify(`${dist}cli.bundle.cjs`)}), cache = readFileSync(${JSON.stringify(`${dist}cli.bundle.${process.arch}.cache`)});
      const script = new (require('node:vm').Script)(bytes.toString('latin1'), { cachedData: cache.subarray(4) });
      console.log(JSON.stringify({ ascii: require('node:buffer').isAscii(bytes), crc: cache.readUInt32LE(0) === require('node:zlib').crc32(bytes), rejected: script.cachedDataRejected }));`;
    const r = spawnSync(process.execPath, ['-e', check], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ ascii: true, crc: true, rejected: false });
  });

  it('with --enable-source-maps the bundle runs through the module loader (which maps stack traces), without the cache', () => {
    const r = spawnSync(process.execPath, ['--enable-source-maps', cli, 'run', '--', '/bin/sh', '-c', 'echo ok'], { encoding: 'utf8' });
    expect(r).toMatchObject({ status: 0, stdout: 'ok\n', stderr: '' });
  });

  it('an edit of the bundle runs, not the cached code, even at the same length; without a cache it runs too', () => {
    const dir = join(dist, '..', '.test-tmp', `cli-start-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      for (const name of ['cli.cjs', `cli.bundle.${process.arch}.cache`]) copyFileSync(join(dist, name), join(dir, name));
      const bundle = readFileSync(join(dist, 'cli.bundle.cjs'), 'latin1');
      expect(bundle).toContain('usage: exile <command>');
      writeFileSync(join(dir, 'cli.bundle.cjs'), bundle.replace('usage: exile <command>', 'usage: EXILE <command>'), 'latin1');
      const edited = spawnSync(process.execPath, [join(dir, 'cli.cjs'), 'help'], { encoding: 'utf8' });
      expect(edited).toMatchObject({ status: 0, stdout: expect.stringContaining('usage: EXILE <command>') });
      rmSync(join(dir, `cli.bundle.${process.arch}.cache`));
      expect(spawnSync(process.execPath, [join(dir, 'cli.cjs'), 'help'], { encoding: 'utf8' })).toMatchObject({ status: 0, stdout: expect.stringContaining('usage: EXILE') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
