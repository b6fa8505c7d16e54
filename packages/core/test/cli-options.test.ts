import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, ExileError } from '../src/index.js';
import { parseOptions } from '../src/cli/options.js';
import { POLICY_OPTIONS, policyFromOptions } from '../src/cli/policy-flags.js';
import { UsageError } from '../src/cli/usage-error.js';

const flags = (...args: string[]) => policyFromOptions('run', parseOptions('run', POLICY_OPTIONS, args));

describe('parseOptions', () => {
  it('stops at -- and at the first non-option; accepts --x=V and --x V', () => {
    expect(parseOptions('run', POLICY_OPTIONS, ['--ro', '/usr', '--rw=/tmp', '--', 'ls', '-l']).rest).toEqual(['ls', '-l']);
    expect(parseOptions('run', POLICY_OPTIONS, ['--no-net', 'ls', '--ro', 'x']).rest).toEqual(['ls', '--ro', 'x']);
  });

  it.each([
    [['--nonet'], 'unknown option --nonet'],
    [['--ro'], '--ro needs a value (PATH)'],
    [['--no-net=1'], '--no-net takes no value'],
    [['--vows', 'stdio', '--vows', 'rpath'], '--vows given twice'],
  ])('%j is a usage error: %s', (args, message) => {
    expect(() => parseOptions('run', POLICY_OPTIONS, args)).toThrow(new UsageError(`exile run: ${message}`));
  });
});

describe('policy flags', () => {
  it('map --ro to read+exec, --rw to read+write (no exec), --exec to exec', () => {
    expect(flags('--ro', '/usr', '--rw', '/tmp/out', '--exec', '/opt/bin', '--ro', '/etc')).toEqual({
      fs: { read: ['/usr', '/etc'], write: ['/tmp/out'], exec: ['/usr', '/etc', '/opt/bin'] },
    });
  });

  it('map network, vows, namespaces and mode', () => {
    expect(flags('--connect', '443', '--bind', '8080', '--connect=80', '--vows', 'stdio inet', '--unshare', 'pid,uts', '--best-effort')).toEqual({
      net: { connect: [443, 80], bind: [8080] }, vows: 'stdio inet', namespaces: { pid: true, uts: true }, mode: 'best-effort',
    });
    expect(flags('--no-net', '--unshare', 'all')).toEqual({ net: false, namespaces: 'all' });
  });

  it.each([
    [['--connect', '99999'], '--connect needs a port number 0-65535, got "99999"'],
    [['--bind', 'http'], '--bind needs a port number 0-65535, got "http"'],
    [['--no-net', '--connect', '1'], '--no-net conflicts with --connect/--bind'],
    [['--unshare', 'user,time'], '--unshare: unknown namespace "time" (use all, or user,mount,net,pid,ipc,uts,cgroup)'],
  ])('%j is a usage error', (args, message) => {
    expect(() => flags(...args)).toThrow(new UsageError(`exile run: ${message}`));
  });

  it('add to a --policy file; a bad file is a policy error, not a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exile-cli-'));
    const file = join(dir, 'p.json');
    writeFileSync(file, JSON.stringify({ fs: { read: ['/data'] }, net: { connect: [443] }, vows: 'stdio' }));
    expect(flags('--policy', file, '--ro', '/usr', '--connect', '80', '--vows', 'stdio rpath')).toMatchObject({
      fs: { read: ['/data', '/usr'], write: [], exec: ['/usr'] }, net: { connect: [443, 80], bind: [] }, vows: 'stdio rpath',
    });
    writeFileSync(file, '{"fs": {"read": [1]}}');
    let error: unknown;
    try {
      flags('--policy', file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExileError);
    expect((error as ExileError).code).toBe(ErrorCodes.INVALID_POLICY);
    expect((error as ExileError).details.path).toBe('$.fs.read[0]');
  });
});
