import { describe, expect, it } from 'vitest';
import { auditDatagramLines, parseLandlockRecord } from '../src/audit.js';
import { USERS, child } from './child.js';

describe('parseLandlockRecord', () => {
  it('reads a denial from the kernel log, with its blockers as spec rights', () => {
    expect(parseLandlockRecord('6,812,93112345,-;audit: type=1423 audit(1764763200.123:45): domain=1a6fdc66f blockers=fs.read_file,fs.truncate path="/etc/hostname" dev="vda" ino=12'))
      .toEqual({ type: 'access', event: '1764763200.123:45', domain: '1a6fdc66f', path: '/etc/hostname',
        blockers: [{ kind: 'fs', right: 'read-file' }, { kind: 'fs', right: 'truncate' }] });
  });

  it('reads ports, scopes, blockers that are no right, and hex-encoded paths', () => {
    expect(parseLandlockRecord('type=1423 audit(1.2:3): domain=a blockers=net.connect_tcp daddr=127.0.0.1 dest=8080'))
      .toMatchObject({ blockers: [{ kind: 'net', right: 'connect-tcp' }], port: 8080 });
    expect(parseLandlockRecord('type=1423 audit(1.2:3): domain=a blockers=scope.signal opid=1 ocomm="init"'))
      .toMatchObject({ blockers: [{ kind: 'scope', right: 'signal' }] });
    expect(parseLandlockRecord('type=LANDLOCK_ACCESS msg=audit(1.2:3): domain=a blockers=fs.change_topology'))
      .toMatchObject({ blockers: [{ kind: 'other', name: 'fs.change_topology' }] });
    expect(parseLandlockRecord('type=UNKNOWN[1424] msg=audit(1.2:3): domain=a status=deallocated denials=2')).toMatchObject({ type: 'domain', status: 'deallocated' });
    expect(parseLandlockRecord('type=1423 msg=audit(1.2:3): domain=a blockers=ptrace opid=1')).toMatchObject({ blockers: [{ kind: 'other', name: 'ptrace' }] });
    expect(parseLandlockRecord('type=1423 audit(1.2:3): domain=a blockers=fs.read_file path=2F746D702F6120622E747874 dev="vda" ino=1'))
      .toMatchObject({ path: '/tmp/a b.txt' });
  });

  it('reads the domain record: who created the domain', () => {
    expect(parseLandlockRecord('audit: type=1424 audit(1.2:3): domain=1a6fdc66f status=allocated mode=enforcing pid=286 uid=0 exe="/usr/bin/exile-launch" comm="exile-launch"'))
      .toEqual({ type: 'domain', event: '1.2:3', domain: '1a6fdc66f', status: 'allocated', pid: 286, comm: 'exile-launch' });
  });

  it('ignores every other record', () => {
    expect(parseLandlockRecord('audit: type=1326 audit(1.2:3): auid=4294967295 uid=0 pid=5 comm="sh" sig=31 syscall=56')).toBeUndefined();
    expect(parseLandlockRecord('random text')).toBeUndefined();
  });
});

describe('auditDatagramLines', () => {
  /** One netlink message: nlmsghdr (length, type, flags, seq, pid), the text, padding to 4 bytes. */
  const message = (type: number, text: string): Buffer => {
    const body = Buffer.from(text);
    const head = Buffer.alloc(16);
    head.writeUInt32LE(16 + body.length, 0);
    head.writeUInt16LE(type, 4);
    return Buffer.concat([head, body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  };

  it('reads each message of a datagram as a log line with its type, which parseLandlockRecord takes', () => {
    const lines = auditDatagramLines(Buffer.concat([message(1423, 'audit(1.2:3): domain=a blockers=fs.read_file path="/x"\0'), message(1300, 'audit(1.2:3): arch=c000003e pid=7 comm="cat"')]));
    expect(lines).toEqual(['type=1423 audit(1.2:3): domain=a blockers=fs.read_file path="/x"', 'type=1300 audit(1.2:3): arch=c000003e pid=7 comm="cat"']);
    expect(parseLandlockRecord(lines[0]!)).toMatchObject({ type: 'access', domain: 'a', path: '/x' });
  });

  it('stops at a truncated message', () => {
    const whole = message(1423, 'audit(1.2:3): domain=a blockers=fs.read_file');
    expect(auditDatagramLines(whole.subarray(0, whole.length - 8))).toEqual([]);
  });
});

// The records themselves come only where audit is on (npm run test:kernels: 7.2 booted with audit=1).
describe.each(USERS)('openAuditReader on the real kernel (as %s)', (user) => {
  it(user === 'nobody' ? 'is refused without CAP_AUDIT_READ, and says why' : 'joins the read-log group (root has CAP_AUDIT_READ); read() never blocks', () => {
    const r = child<{ opened?: boolean; error?: string; read?: unknown }>(`
      import { openAuditReader } from '@exile/landlock';
      const reader = openAuditReader();
      if ('error' in reader) print({ error: reader.error });
      else { const read = reader.read(); reader.close(); print({ opened: true, read: Array.isArray(read) }); }`, { user });
    if (user === 'nobody' || process.getuid?.() !== 0) expect(r).toMatchObject({ error: 'EPERM' });
    else expect(r).toMatchObject({ opened: true, read: true });
  });
});

describe.each(USERS)('auditEnabled on the real kernel (as %s)', (user) => {
  it(user === 'nobody' ? 'is refused without CAP_AUDIT_CONTROL, and says why' : "reads the kernel's audit status (root has CAP_AUDIT_CONTROL)", () => {
    const r = child<{ enabled?: boolean; error?: string }>(`
      import { auditEnabled } from '@exile/landlock';
      const status = auditEnabled();
      print(typeof status === 'boolean' ? { enabled: status } : status);`, { user });
    if (user === 'nobody' || process.getuid?.() !== 0) expect(r).toEqual({ error: 'EPERM' });
    else expect(r).toEqual({ enabled: expect.any(Boolean) });
  });
});
