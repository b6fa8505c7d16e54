import { describe, expect, it } from 'vitest';
import { runFlags, shellWord } from '../../src/learn/flags.js';
import { ociProfile } from '../../src/learn/oci.js';

describe('runFlags', () => {
  it('writes the exile run command line of a policy, quoted for sh', () => {
    expect(runFlags({
      fs: { read: ['/etc/hostname', "/srv/it's"], exec: ['/usr/bin'], write: ['/tmp'] },
      net: { connect: [443], bind: [8080] },
      vows: 'stdio rpath inet',
    }, ['sh', '-c', 'cat /etc/hostname | wc -c'])).toBe(
      "exile run --ro /etc/hostname --ro '/srv/it'\\''s' --rox /usr/bin --rw /tmp --connect 443 --bind 8080 --vows 'stdio rpath inet' -- sh -c 'cat /etc/hostname | wc -c'");
  });

  it('says --no-net, and carries the whole policy: allowWriteExec and syscalls rules have their flags', () => {
    const r = runFlags({ fs: { write: ['/src'], exec: ['/src'], allowWriteExec: true }, net: false, syscalls: [{ syscall: 'ptrace', action: 'allow', args: [{ index: 0, op: 'eq', value: 16, width: 32 }] }] }, ['true']);
    expect(r).toBe('exile run --rox /src --rw /src --allow-write-exec --no-net --syscall \'{"syscall":"ptrace","action":"allow","args":[{"index":0,"op":"eq","value":16,"width":32}]}\' -- true');
  });

  it('leaves safe words bare', () => {
    expect(shellWord('/usr/lib/x86_64-linux-gnu')).toBe('/usr/lib/x86_64-linux-gnu');
    expect(shellWord('')).toBe("''");
    expect(shellWord('a b')).toBe("'a b'");
  });
});

describe('ociProfile', () => {
  it('is the child filter of the vows and syscalls rules, with errors instead of kills', () => {
    const profile = ociProfile({ vows: 'stdio rpath', syscalls: [{ syscall: 'ptrace', action: 'allow', args: [{ index: 0, op: 'eq', value: 16, width: 32 }] }] });
    expect(profile.defaultAction).toBe('SCMP_ACT_ERRNO');
    const names = profile.syscalls!.flatMap((s) => s.names);
    expect(names).toEqual(expect.arrayContaining(['read', 'openat', 'getdents64', 'execve', 'ptrace']));
    // socket appears only as a refusal (glibc's nscd probe gets EACCES in the program runtime).
    expect(profile.syscalls!.filter((s) => s.names.includes('socket')).map((s) => s.action)).toEqual(['SCMP_ACT_ERRNO']);
    expect(profile.syscalls!.find((s) => s.names.includes('ptrace'))).toMatchObject({ action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0xffffffff, valueTwo: 16, op: 'SCMP_CMP_MASKED_EQ' }] });
  });
});
