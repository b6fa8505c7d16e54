import { describe, expect, it } from 'vitest';
import { parseLandlockRecord } from '../src/audit.js';

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
