import { describe, expect, it } from 'vitest';
import { landlockDenialLines } from '../../src/violations/landlock-denials.js';

// Records as Debian's 7.2 kernel (booted with audit=1, no audit daemon) wrote them to /dev/kmsg.
const DOMAIN = (domain: string, pid: number) =>
  `5,381,180809060,-;audit: type=1424 audit(1796300440.112:6): domain=${domain} status=allocated mode=enforcing pid=${pid} uid=0 exe="/usr/lib/exile-launch" comm="exile-launch"`;
const ACCESS = (event: string, domain: string, blockers: string, object: string) =>
  `5,380,180808878,-;audit: type=1423 audit(${event}): domain=${domain} blockers=${blockers} ${object}`;
const SYSCALL = (event: string, pid: number, comm: string) =>
  `5,382,180809077,-;audit: type=1300 audit(${event}): arch=c000003e syscall=257 success=no exit=-13 ppid=108 pid=${pid} auid=4294967295 uid=0 comm="${comm}" exe="/bin/busybox" subj=unconfined key=(null)`;

describe('landlockDenialLines', () => {
  it('names the denied process, what it tried and the flag to add, once per distinct denial', () => {
    const log = [
      ACCESS('1.0:6', '1ffc897b6', 'fs.read_file', 'path="/etc/hostname" dev="vda" ino=4'), DOMAIN('1ffc897b6', 131), SYSCALL('1.0:6', 140, 'cat'),
      ACCESS('1.0:7', '1ffc897b6', 'fs.read_file', 'path="/etc/hostname" dev="vda" ino=4'), SYSCALL('1.0:7', 140, 'cat'),
      ACCESS('1.0:8', '1ffc897b6', 'fs.read_file,fs.write_file', 'path="/var/log/x" dev="vda" ino=5'), SYSCALL('1.0:8', 141, 'sh'),
      ACCESS('1.0:9', '1ffc897b6', 'fs.execute', 'path="/opt/tool" dev="vda" ino=6'), SYSCALL('1.0:9', 141, 'sh'),
      ACCESS('1.0:10', '1ffc897b6', 'fs.make_reg', 'path="/tmp" dev="tmpfs" ino=1'), SYSCALL('1.0:10', 141, 'sh'),
      ACCESS('1.0:11', '1ffc897b6', 'net.connect_tcp', 'daddr=127.0.0.1 dest=443'), SYSCALL('1.0:11', 141, 'sh'),
      ACCESS('1.0:12', '1ffc897b6', 'fs.resolve_unix', 'path="/run/postgresql/.s.PGSQL.5432" dev="tmpfs" ino=9'), SYSCALL('1.0:12', 142, 'psql'),
    ];
    expect(landlockDenialLines(log, { pid: 131, command: '/bin/sh' })).toEqual([
      'exile: cat[140]: read /etc/hostname denied by the file-system policy; add --ro /etc/hostname\n',
      'exile: sh[141]: read and write /var/log/x denied by the file-system policy; add --rw /var/log/x\n',
      'exile: sh[141]: execute /opt/tool denied by the file-system policy; add --rox /opt/tool\n',
      'exile: sh[141]: create in /tmp denied by the file-system policy; add --rw /tmp\n',
      'exile: sh[141]: connect to TCP port 443 denied by the network policy; add --connect 443\n',
      'exile: psql[142]: connect to the socket /run/postgresql/.s.PGSQL.5432 denied by the file-system policy; add --socket /run/postgresql/.s.PGSQL.5432\n',
    ]);
  });

  it('inside a store the flag names the store exile learn grants whole: .git, an installed package', () => {
    const log = [
      DOMAIN('ccc', 131),
      ACCESS('1.0:6', 'ccc', 'fs.read_file', 'path="/srv/repo/.git/HEAD" dev="vda" ino=4'), SYSCALL('1.0:6', 140, 'git'),
      ACCESS('1.0:7', 'ccc', 'fs.make_reg', 'path="/srv/repo/.git/refs/heads" dev="vda" ino=5'), SYSCALL('1.0:7', 140, 'git'),
      ACCESS('1.0:8', 'ccc', 'fs.read_file', 'path="/app/node_modules/lodash/lodash.js" dev="vda" ino=6'), SYSCALL('1.0:8', 141, 'node'),
    ];
    expect(landlockDenialLines(log, { pid: 131, command: 'git' })).toEqual([
      'exile: git[140]: read /srv/repo/.git/HEAD denied by the file-system policy; add --ro /srv/repo/.git\n',
      'exile: git[140]: create in /srv/repo/.git/refs/heads denied by the file-system policy; add --rw /srv/repo/.git\n',
      'exile: node[141]: read /app/node_modules/lodash/lodash.js denied by the file-system policy; add --ro /app/node_modules/lodash\n',
    ]);
  });

  it('only the records of the domain the sandbox created: another sandbox\'s denials are not ours', () => {
    const log = [DOMAIN('aaa', 131), DOMAIN('bbb', 999), ACCESS('1.0:6', 'bbb', 'fs.read_file', 'path="/etc/shadow"'), ACCESS('1.0:7', 'aaa', 'fs.read_dir', 'path="/root"')];
    expect(landlockDenialLines(log, { pid: 131, command: '/usr/bin/ls' })).toEqual([
      'exile: ls[131]: list /root denied by the file-system policy; add --ro /root\n',
    ]);
    expect(landlockDenialLines(log, { pid: 5, command: 'ls' })).toEqual([]);
  });

  it('no flag where none grants the right; nothing for blockers that are no file or port', () => {
    const log = [DOMAIN('a', 1), ACCESS('1.0:6', 'a', 'fs.ioctl_dev', 'path="/dev/tty"'), ACCESS('1.0:7', 'a', 'scope.signal', 'opid=1 ocomm="init"'),
      ACCESS('1.0:8', 'a', 'fs.read_file,fs.ioctl_dev', 'path="/dev/sda"')];
    expect(landlockDenialLines(log, { pid: 1, command: 'x' })).toEqual([
      'exile: x[1]: ioctl on /dev/tty denied by the file-system policy\n',
      'exile: x[1]: read and ioctl on /dev/sda denied by the file-system policy\n',
    ]);
  });
});
