import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '@exile/landlock';
import { denialLine, predictDenials } from '../../src/diagnose/predict.js';
import type { DecodedCall, FileEvent, NetEvent } from '../../src/learn/events.js';
import { decodeCall } from '../../src/learn/decode.js';

const dir = mkdtempSync(join(tmpdir(), 'exile-predict-'));
const rw = join(dir, 'rw');
const other = join(dir, 'other');
mkdirSync(rw);
mkdirSync(other);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const model = compile({ fs: { read: ['/etc/ssl', rw], write: [rw], exec: ['/usr'] }, net: { connectTcp: [443] } }, { abi: 7, errata: 7, status: 'available' }).model;
const call = (files: Omit<FileEvent, 'kind'>[], net: Omit<NetEvent, 'kind'>[] = [], moved?: DecodedCall['moved']): DecodedCall =>
  ({ call: { syscall: 'x' }, files: files.map((f) => ({ kind: 'file', ...f })), net: net.map((n) => ({ kind: 'net', ...n })), ...(moved ? { moved } : {}) });
const flags = (c: DecodedCall) => predictDenials(model, c).map((d) => `${d.access} ${d.path}: ${d.flag}`);

describe('predictDenials: what Landlock will refuse, with the flag to add', () => {
  it('names the exile run flag for each kind of access, the file itself or the directory an entry goes in', () => {
    expect(flags(call([{ access: 'read', path: '/etc/hostname' }]))).toEqual(['read /etc/hostname: --ro /etc/hostname']);
    expect(flags(call([{ access: 'list', path: '/etc' }]))).toEqual(['list /etc: --ro /etc']);
    expect(flags(call([{ access: 'exec', path: '/etc/ssl/x' }]))).toEqual(['exec /etc/ssl/x: --rox /etc/ssl/x']);
    expect(flags(call([{ access: 'write', path: '/etc/ssl/x' }, { access: 'truncate', path: '/etc/ssl/x' }])))
      .toEqual(['write /etc/ssl/x: --rw /etc/ssl/x', 'truncate /etc/ssl/x: --rw /etc/ssl/x']);
    expect(flags(call([{ access: 'create', path: `${other}/f`, entry: 'reg' }]))).toEqual([`create ${other}/f: --rw ${other}`]);
    expect(flags(call([{ access: 'remove', path: `${other}/d`, entry: 'dir' }]))).toEqual([`remove ${other}/d: --rw ${other}`]);
    // Device nodes are not write's: granted by name only.
    expect(flags(call([{ access: 'create', path: `${rw}/tty`, entry: 'char' }]))).toEqual([`create ${rw}/tty: --make-dev ${rw}`]);
  });

  it('inside a store the flag names the unit exile learn grants: the whole .git, the installed package', () => {
    expect(flags(call([{ access: 'read', path: '/srv/repo/.git/HEAD' }]))).toEqual(['read /srv/repo/.git/HEAD: --ro /srv/repo/.git']);
    expect(flags(call([{ access: 'read', path: '/srv/repo/.git/objects/ab/cdef' }]))).toEqual(['read /srv/repo/.git/objects/ab/cdef: --ro /srv/repo/.git']);
    expect(flags(call([{ access: 'create', path: '/srv/repo/.git/index.lock', entry: 'reg' }]))).toEqual(['create /srv/repo/.git/index.lock: --rw /srv/repo/.git']);
    expect(flags(call([{ access: 'write', path: '/srv/repo/.git/refs/heads/main' }]))).toEqual(['write /srv/repo/.git/refs/heads/main: --rw /srv/repo/.git']);
    expect(flags(call([{ access: 'read', path: '/app/node_modules/express/lib/router/index.js' }]))).toEqual(['read /app/node_modules/express/lib/router/index.js: --ro /app/node_modules/express']);
    expect(flags(call([{ access: 'read', path: '/app/node_modules/@scope/pkg/index.js' }]))).toEqual(['read /app/node_modules/@scope/pkg/index.js: --ro /app/node_modules/@scope/pkg']);
    // Creating the store itself (git init) is a write in the directory that holds it.
    expect(flags(call([{ access: 'create', path: '/srv/repo/.git', entry: 'dir' }]))).toEqual(['create /srv/repo/.git: --rw /srv/repo']);
    expect(predictDenials(model, call([{ access: 'read', path: '/srv/repo/.git/HEAD' }]))[0]!.fix).toBe('add "/srv/repo/.git" to fs.read');
  });

  it('allowed accesses and chmod/chown (no Landlock right) predict nothing', () => {
    expect(flags(call([{ access: 'read', path: '/etc/ssl/openssl.cnf' }, { access: 'exec', path: '/usr/bin/env' }, { access: 'create', path: `${rw}/new`, entry: 'dir' },
      { access: 'attr', path: '/etc/passwd' }]))).toEqual([]);
  });

  it('a rename into another directory needs refer on both ends; within the granted tree it is fine', () => {
    expect(flags(call([], [], { from: `${rw}/a`, to: `${rw}/sub/a` }))).toEqual([]);
    expect(flags(call([], [], { from: `${other}/a`, to: `${rw}/a` }))).toEqual([`move ${other}/a: --rw ${other}`]);
  });

  it('a pathname UNIX socket outside fs.sockets, with --socket (ABI 9); an abstract one or a kernel below ABI 9 predicts nothing', () => {
    const abi9 = compile({ fs: { read: [rw], sockets: [rw] } }, { abi: 9, errata: 7, status: 'available' }).model;
    const socket = (path?: string) => call([], [{ op: 'connect', family: 'unix', ...(path === undefined ? {} : { path }) }]);
    expect(predictDenials(abi9, socket(`${other}/s.sock`)).map((d) => denialLine('psql', 7, d))).toEqual([
      `exile: psql[7]: connect to the socket ${other}/s.sock denied by the file-system policy; add --socket ${other}/s.sock\n`]);
    expect(predictDenials(abi9, socket(`${rw}/s.sock`))).toEqual([]);
    expect(predictDenials(abi9, socket())).toEqual([]);
    expect(flags(socket(`${other}/s.sock`))).toEqual([]);
    // A datagram sent to a path (sendto, sendmsg: /dev/log) is decoded as the same connect.
    const sent = decodeCall('sendto', [3n, 0n, 0n, 0n, 1n, 20n], 7, {
      string: () => undefined, socketProtocol: () => undefined, resolve: (_fd, path) => ({ path, exists: true, dir: false }),
      bytes: () => new Uint8Array([1, 0, ...new TextEncoder().encode(`${other}/d.sock`), 0]),
    });
    expect(predictDenials(abi9, sent).map((d) => d.flag)).toEqual([`--socket ${other}/d.sock`]);
  });

  it('TCP ports outside the policy, with --connect/--bind; UDP is left to the seccomp filter', () => {
    expect(flags(call([], [{ op: 'connect', family: 'inet', protocol: 'tcp', port: 80 }, { op: 'connect', family: 'inet6', protocol: 'tcp', port: 443 }])))
      .toEqual(['connect TCP port 80: --connect 80']);
    expect(flags(call([], [{ op: 'bind', family: 'inet', protocol: 'tcp', port: 8080 }]))).toEqual(['bind TCP port 8080: --bind 8080']);
    expect(flags(call([], [{ op: 'connect', family: 'inet', protocol: 'udp', port: 53 }]))).toEqual([]);
  });

  it('says it in the issue\'s words', () => {
    const [read] = predictDenials(model, call([{ access: 'read', path: '/etc/hostname' }]));
    expect(denialLine('cat', 1234, read!)).toBe('exile: cat[1234]: read /etc/hostname denied by the file-system policy; add --ro /etc/hostname\n');
    const [port] = predictDenials(model, call([], [{ op: 'connect', family: 'inet', protocol: 'tcp', port: 80 }]));
    expect(denialLine('curl', 7, port!)).toBe('exile: curl[7]: connect TCP port 80 denied by the network policy; add --connect 80\n');
  });
});
