// #17 gap: `syscalls` rules compared 64 bits by default, and the kernel truncates ioctl's request
// to 32: a rule denying FIONREAD (0x541b) was passed by 0x1_0000541b. Widths now come from the
// syscall's signature; a 64-bit check of a 32-bit argument is refused before anything starts.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedTempDir } from '@exile/test-utils';
import { attacks, CLI, lastObject, runAs, type User } from './run.js';

const PY = '/usr/bin/python3';
const script = attacks('attack.py')['attack.py']!;
type Result = Record<string, string>;
const policy = (width?: 64) => {
  const file = join(sharedTempDir('exile-widths-'), 'policy.json');
  writeFileSync(file, JSON.stringify({ syscalls: [{ syscall: 'ioctl', action: { errno: 'EPERM' }, args: [{ index: 1, op: 'eq', value: '0x541b', ...(width ? { width } : {}) }] }] }));
  return file;
};

describe.each<User>(['current', 'nobody'])('ioctl request widths as %s', (user) => {
  it('a rule denying FIONREAD also denies 0x1_0000541b (the kernel\'s truncation); other requests pass', () => {
    const bare = (req: string) => lastObject<Result>(runAs(user, [PY, script, 'ioctl', req]).stdout);
    expect(bare('0x10000541b')).toEqual({ ioctl: 'ok' }); // unsandboxed, the wide request is FIONREAD
    const file = policy();
    const sandboxed = (req: string) => lastObject<Result>(runAs(user, [process.execPath, CLI, 'run', '--policy', file, '--', PY, script, 'ioctl', req]).stdout);
    expect(sandboxed('0x541b')).toEqual({ ioctl: 'EPERM' });
    expect(sandboxed('0x10000541b')).toEqual({ ioctl: 'EPERM' });
    expect(sandboxed('0x5401')).toEqual({ ioctl: 'ENOTTY' }); // TCGETS on a pipe: the kernel's answer, not ours
  });

  it('a rule denying mkdir mode 0o700 also denies 0x1_01c0 (the kernel keeps 16 bits of a mode); other modes pass', () => {
    const dir = sharedTempDir('exile-widths-');
    const file = join(dir, 'policy.json');
    const deny = (syscall: string, index: number) => ({ syscall, action: { errno: 'EPERM' }, args: [{ index, op: 'eq', value: 0o700 }] });
    writeFileSync(file, JSON.stringify({ syscalls: [deny('mkdir', 1), deny('mkdirat', 2)] }));
    const mkdir = (name: string, mode: string, sandboxed = true) => lastObject<Result>(runAs(user,
      [...(sandboxed ? [process.execPath, CLI, 'run', '--policy', file, '--'] : []), PY, script, 'mkdir', join(dir, name), mode]).stdout);
    expect(mkdir('bare', '0x101c0', false)).toEqual({ mkdir: 'ok' }); // unsandboxed, the wide mode is 0o700
    expect(mkdir('a', '0o700')).toEqual({ mkdir: 'EPERM' });
    expect(mkdir('b', '0x101c0')).toEqual({ mkdir: 'EPERM' });
    expect(mkdir('c', '0o755')).toEqual({ mkdir: 'ok' });
  });

  it('a 64-bit check of ioctl\'s request is refused with the JSON path', () => {
    const r = runAs(user, [process.execPath, CLI, 'run', '--policy', policy(64), '--', '/bin/true']);
    expect(r.status).toBe(125);
    expect(r.stderr).toContain('$.syscalls[0].args[0].width: compares 64 bits, but argument 1 of ioctl is 32 bits wide');
  });
});
