import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NOBODY, nobodyPath, sharedTempDir } from '@exile/test-utils';

const BIN = fileURLToPath(new URL('../bin/landlock-run.mjs', import.meta.url));

function run(args: string[], user: 'root' | 'nobody') {
  const [command, rest] = user === 'nobody'
    ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, nobodyPath(BIN), ...args]]
    : [process.execPath, [BIN, ...args]];
  // nobody's cwd is one it can enter wherever the clone is.
  return spawnSync(command, rest, { encoding: 'utf8', timeout: 30_000, cwd: tmpdir() });
}

function fixture() {
  const dir = sharedTempDir('landlock-only-');
  for (const sub of ['data', 'out', 'elsewhere']) {
    mkdirSync(`${dir}/${sub}`);
    chmodSync(`${dir}/${sub}`, 0o777); // not through mkdir's mode, which the umask trims
  }
  writeFileSync(`${dir}/data/in.txt`, 'hello\n', { mode: 0o666 });
  writeFileSync(`${dir}/elsewhere/secret.txt`, 'secret\n', { mode: 0o666 });
  return dir;
}

describe.each(['root', 'nobody'] as const)('landlock-run (as %s)', (user) => {
  it('the command reads --read dirs and writes --write dirs', () => {
    const dir = fixture();
    const r = run(['--exec', '/usr', '--read', `${dir}/data`, '--write', `${dir}/out`, '--',
      'sh', '-c', `cat ${dir}/data/in.txt > ${dir}/out/copy.txt`], user);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(`${dir}/out/copy.txt`, 'utf8')).toBe('hello\n');
  });

  it('everything else is denied: reading elsewhere, writing to a --read dir', () => {
    const dir = fixture();
    const read = run(['--exec', '/usr', '--read', `${dir}/data`, '--', 'cat', `${dir}/elsewhere/secret.txt`], user);
    expect(read.status).toBe(1);
    expect(read.stderr).toMatch(/Permission denied/);
    expect(read.stdout).toBe('');
    const write = run(['--exec', '/usr', '--read', `${dir}/data`, '--', 'sh', '-c', `echo x > ${dir}/data/in.txt`], user);
    expect(write.status).not.toBe(0);
    expect(write.stderr).toMatch(/Permission denied/);
    expect(readFileSync(`${dir}/data/in.txt`, 'utf8')).toBe('hello\n');
  });

  it('--status prints what is enforced', () => {
    const dir = fixture();
    const r = run(['--status', '--exec', '/usr', '--read', `${dir}/data`, '--', 'true'], user);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stderr)).toMatchObject({ enforced: 'full', handled: { fs: expect.arrayContaining(['write-file', 'truncate']) } });
  });

  it('a missing path or a bad argument is an error, and the command does not run', () => {
    const dir = fixture();
    const missing = run(['--read', `${dir}/nope`, '--', 'touch', `${dir}/out/ran`], user);
    expect(missing.status).toBe(125);
    expect(missing.stderr).toMatch(/ERR_EXILE_INVALID_POLICY: .*fs\.read\[0\]: .*\/nope does not exist/);
    expect(existsSync(`${dir}/out/ran`)).toBe(false);
    const bad = run(['--connect', 'http', '--', 'true'], user);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/not a port: http/);
  });
});
