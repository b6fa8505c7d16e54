import { describe, expect, it } from 'vitest';
import type { FileAccess, FileEvent, NetEvent } from '../../src/learn/events.js';
import { generaliseFiles, type PathFacts } from '../../src/learn/generalise.js';
import { learnedNet, learnedPolicy } from '../../src/learn/learned-policy.js';
import { mergePolicies } from '../../src/learn/merge.js';

const HOME = '/home/ann';
/** A small tree: directory → entries. */
const TREE: Record<string, string[]> = {
  '/': ['usr', 'etc', 'home', 'tmp', 'srv'],
  '/home': ['ann', 'bob'],
  [HOME]: ['.ssh', '.gitconfig', '.npmrc', 'proj', 'notes.txt'],
  [`${HOME}/proj`]: ['src', 'package.json', '.env', 'README.md'],
  [`${HOME}/proj/src`]: ['a.js', 'b.js', 'c.js'],
  '/srv': ['app'],
  '/srv/app': ['lib', 'main.js', 'config.json'],
  '/srv/app/lib': ['x.js', 'y.js'],
  '/etc': ['hosts', 'passwd', 'group', 'resolv.conf', 'ssl', 'nsswitch.conf'],
};
const facts: PathFacts = { homes: [HOME, '/home/bob', '/root'], entries: (dir) => TREE[dir] };
const ev = (access: FileAccess, path: string): FileEvent => ({ kind: 'file', access, path });

describe('generaliseFiles', () => {
  it('grants system trees whole, tool trees for exec, and single files elsewhere', () => {
    const fs = generaliseFiles([
      ev('read', '/usr/lib/x86_64-linux-gnu/libc.so.6'), ev('exec', '/usr/bin/git'), ev('read', '/usr/share/git-core/templates/x'),
      ev('exec', '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'), ev('read', '/etc/hosts'), ev('read', '/proc/1234/maps'),
    ], facts);
    expect(fs).toEqual({
      read: ['/etc/hosts', '/proc', '/usr/lib', '/usr/share'],
      write: [],
      exec: ['/usr/bin', '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'],
      warnings: [],
    });
  });

  it('takes a directory when most of its entries were used, bottom up, and stops below a home', () => {
    const fs = generaliseFiles([
      ev('read', '/srv/app/lib/x.js'), ev('read', '/srv/app/lib/y.js'), ev('read', '/srv/app/main.js'),
      ev('read', `${HOME}/proj/src/a.js`), ev('read', `${HOME}/proj/src/b.js`), ev('read', `${HOME}/proj/package.json`),
      ev('read', `${HOME}/proj/README.md`), ev('read', `${HOME}/.gitconfig`), ev('read', `${HOME}/notes.txt`),
      ev('read', '/etc/hosts'), ev('read', '/etc/passwd'),
    ], facts);
    // /srv/app: lib + main.js = 2 of 3 → the directory; /srv has one entry used: stays.
    // proj: src + package.json + README.md = 3 of 4, but proj holds an unread .env: its files stay single.
    // home: never whole. /etc: 2 of 6.
    expect(fs.read).toEqual(['/etc/hosts', '/etc/passwd', `${HOME}/.gitconfig`, `${HOME}/notes.txt`, `${HOME}/proj/README.md`,
      `${HOME}/proj/package.json`, `${HOME}/proj/src`, '/srv/app']);
    expect(fs.read).not.toContain(HOME);
    expect(fs.read).not.toContain('/');
  });

  it('grants write on a created file\'s directory (the first that existed), written files one by one', () => {
    const fs = generaliseFiles([
      ev('create', '/tmp/build-1'), ev('create', '/tmp/build-1/out.o'), ev('write', '/srv/app/config.json'),
      ev('remove', '/srv/app/lib/x.js'), ev('read', '/srv/app/main.js'),
    ], facts);
    expect(fs.write).toEqual(['/srv/app/config.json', '/srv/app/lib', '/tmp']);
    expect(fs.read).toEqual(['/srv/app/main.js']);
  });

  it('grants a repository store (.git) whole when anything inside it was read', () => {
    const fs = generaliseFiles([ev('read', '/srv/app/.git/objects/1c/e40d5'), ev('read', '/srv/app/.git/HEAD'), ev('list', '/srv/app/.git/refs')], facts);
    expect(fs.read).toEqual(['/srv/app/.git']);
  });

  it('grants an installed package (node_modules/NAME, node_modules/@SCOPE/NAME) whole, and node_modules when most of its packages were used', () => {
    const tree: Record<string, string[]> = { ...TREE, '/srv/app/node_modules': ['.package-lock.json', 'a', 'b', '@s', 'd'], '/srv/app/node_modules/@s': ['c', 'e'] };
    const here: PathFacts = { ...facts, entries: (dir) => tree[dir] };
    const two = generaliseFiles([ev('read', '/srv/app/node_modules/a/index.js'), ev('read', '/srv/app/node_modules/a/lib/x.js'),
      ev('read', '/srv/app/node_modules/@s/c/package.json'), ev('read', '/srv/app/node_modules/.package-lock.json')], here);
    expect(two.read).toEqual(['/srv/app/node_modules/.package-lock.json', '/srv/app/node_modules/@s/c', '/srv/app/node_modules/a']);
    const most = generaliseFiles([ev('read', '/srv/app/node_modules/a/index.js'), ev('read', '/srv/app/node_modules/b/index.js'),
      ev('read', '/srv/app/node_modules/@s/c/index.js'), ev('read', '/srv/app/node_modules/@s/e/index.js')], here);
    expect(most.read).toEqual(['/srv/app/node_modules']);
    // Only reads: a written file inside a package stays that one file.
    expect(generaliseFiles([ev('write', '/srv/app/node_modules/a/cache.json')], here).write).toEqual(['/srv/app/node_modules/a/cache.json']);
  });

  it('what the run created below a home and left there (~/.npm) is granted itself; a secret-looking one, or one gone, is left out with a warning', () => {
    const tree: Record<string, string[]> = { ...TREE, [HOME]: [...TREE[HOME]!, '.npm', '.aws', '.history'] };
    const here: PathFacts = { ...facts, entries: (dir) => tree[dir] };
    const fs = generaliseFiles([
      ev('create', `${HOME}/.npm`), ev('create', `${HOME}/.npm/_logs`), ev('create', `${HOME}/.npm/_logs/1.log`), ev('write', `${HOME}/.npm/_logs/1.log`),
      ev('create', `${HOME}/.history`), ev('write', `${HOME}/.history`),
      ev('create', `${HOME}/.aws`), ev('create', `${HOME}/.aws/credentials`), ev('create', `${HOME}/gone.tmp`),
    ], here);
    expect(fs.write).toEqual([`${HOME}/.history`, `${HOME}/.npm`]);
    expect(fs.warnings).toEqual([
      `creating ${HOME}/.aws needs write access to all of ${HOME}, which exile learn never grants: left out`,
      `creating ${HOME}/.aws/credentials needs write access to all of ${HOME}, which exile learn never grants: left out`,
      `creating ${HOME}/gone.tmp needs write access to all of ${HOME}, which exile learn never grants: left out`,
    ]);
  });

  it('never grants / or a home directory whole: what would need it is left out, with a warning', () => {
    const fs = generaliseFiles([ev('create', `${HOME}/new.txt`), ev('write', `${HOME}/new.txt`), ev('read', `${HOME}/new.txt`), ev('list', '/'), ev('list', HOME), ev('remove', '/stray')], facts);
    expect(fs.read).toEqual([]);
    expect(fs.write).toEqual([]);
    expect(fs.warnings).toEqual([
      `creating ${HOME}/new.txt needs write access to all of ${HOME}, which exile learn never grants: left out`,
      'listing / would need read access to all of it, which exile learn never grants: left out',
      `listing ${HOME} would need read access to all of it, which exile learn never grants: left out`,
      'removing /stray needs write access to all of /, which exile learn never grants: left out',
    ]);
  });

  it('lists a secret-looking file alone, with a warning, only when it was read', () => {
    const fs = generaliseFiles([
      ev('read', `${HOME}/.npmrc`), ev('read', `${HOME}/proj/.env`), ev('read', `${HOME}/proj/package.json`),
      ev('read', `${HOME}/proj/README.md`), ev('attr', `${HOME}/.ssh/id_ed25519`), ev('read', '/srv/app/server.pem'),
      ev('read', '/usr/lib/node_modules/npm/lib/cache/key.js'),
    ], facts);
    expect(fs.read).toEqual([`${HOME}/.npmrc`, `${HOME}/proj/.env`, `${HOME}/proj/README.md`, `${HOME}/proj/package.json`, '/srv/app/server.pem', '/usr/lib']);
    expect(fs.warnings).toEqual([
      `${HOME}/.npmrc looks like a secret and was read: allowed as that one file; check it belongs in the policy`,
      `${HOME}/proj/.env looks like a secret and was read: allowed as that one file; check it belongs in the policy`,
      '/srv/app/server.pem looks like a secret and was read: allowed as that one file; check it belongs in the policy',
    ]);
  });

  it('grants a program the run built by its directory: next time it is a new file', () => {
    const fs = generaliseFiles([ev('create', '/srv/app/build'), ev('create', '/srv/app/build/tool'), ev('exec', '/srv/app/build/tool')], facts);
    expect(fs).toEqual({ read: [], write: ['/srv/app'], exec: ['/srv/app'], warnings: [] });
  });

  it('drops what a wider grant already covers: write and exec imply read', () => {
    const fs = generaliseFiles([ev('create', '/tmp/a'), ev('read', '/tmp/b'), ev('exec', '/usr/bin/sh'), ev('read', '/usr/bin/sh')], facts);
    expect(fs).toEqual({ read: [], write: ['/tmp'], exec: ['/usr/bin'], warnings: [] });
  });
});

describe('learnedNet', () => {
  const net = (op: 'bind' | 'connect', port: number, protocol?: 'tcp' | 'udp', family: NetEvent['family'] = 'inet'): NetEvent =>
    ({ kind: 'net', op, family, port, ...(protocol ? { protocol } : {}) });

  it('is false without IP traffic, ignores glibc\'s UDP probe, lists TCP ports', () => {
    const warnings: string[] = [];
    expect(learnedNet([], warnings)).toBe(false);
    expect(learnedNet([{ kind: 'net', op: 'connect', family: 'unix', path: '/run/x' }, net('connect', 0, 'udp')], warnings)).toBe(false);
    expect(learnedNet([net('connect', 443, 'tcp'), net('connect', 80), net('bind', 8080, 'tcp', 'inet6'), net('connect', 443, 'tcp')], warnings))
      .toEqual({ connect: [80, 443], bind: [8080] });
    expect(warnings).toEqual([]);
  });

  it('leaves the network open, with a warning, when the run really used UDP', () => {
    const warnings: string[] = [];
    expect(learnedNet([net('connect', 53, 'udp'), net('connect', 443, 'tcp')], warnings)).toBe(true);
    expect(warnings).toEqual(['the run used UDP (connect UDP port 53); exile limits TCP ports only, so the network is left unrestricted']);
  });
});

describe('learnedPolicy', () => {
  it('puts it together: fs, net, the smallest vows with stdio, syscalls rules for what no vow allows', () => {
    const { policy, warnings } = learnedPolicy({
      files: [ev('read', '/srv/app/main.js'), ev('create', '/tmp/x')],
      net: [net('connect', 443)],
      calls: [
        { syscall: 'openat', args: [-100, 0, 0] }, { syscall: 'openat', args: [-100, 0, 0o101, 0o644] },
        { syscall: 'socket', args: [2, 1, 0] }, { syscall: 'connect' }, { syscall: 'ptrace', args: [16, 9] },
      ],
    }, facts);
    expect(policy).toEqual({
      fs: { read: ['/srv/app/main.js'], write: ['/tmp'], exec: [] },
      net: { connect: [443] },
      vows: 'stdio rpath wpath cpath inet',
      syscalls: [{ syscall: 'ptrace', action: 'allow', args: [{ index: 0, op: 'eq', value: 16, width: 32 }] }],
    });
    expect(warnings).toEqual([]);
  });

  it('names a TCP client inet even when a Unix socket makes accept-only anet + unix cheaper', () => {
    // bash's /dev/tcp where the name service asks a Unix socket first (nscd, systemd's userdb).
    const calls = [{ syscall: 'socket', args: [2, 1, 6] }, { syscall: 'connect' }, { syscall: 'socket', args: [1, 0x80001, 0] }];
    expect(learnedPolicy({ files: [], net: [net('connect', 8080)], calls }, facts).policy.vows).toBe('stdio inet unix');
    // The same calls with no IP connect recorded: "net": false refuses the IP socket before the vows, which need only unix.
    expect(learnedPolicy({ files: [], net: [], calls }, facts).policy.vows).toBe('stdio unix');
  });

  it('under "net": false, a socket the network policy refuses first needs no vow nor rule; a netlink one is said in a warning', () => {
    // npm at start: the network interfaces over netlink (no vow allows it), glibc's UDP probe.
    const calls = [{ syscall: 'socket', args: [16, 0x80003, 0] }, { syscall: 'socket', args: [2, 0x80002, 0] }, { syscall: 'socket', args: [1, 0x80001, 0] }];
    const udp = (port: number): NetEvent => ({ kind: 'net', op: 'connect', family: 'inet', port, protocol: 'udp' });
    const { policy, warnings } = learnedPolicy({ files: [], net: [udp(0)], calls }, facts);
    expect(policy).toMatchObject({ net: false, vows: 'stdio unix' });
    expect(policy.syscalls).toBeUndefined();
    expect(warnings).toEqual(['the run opened a netlink socket (the network interfaces, as npm and os.networkInterfaces() ask): "net": false refuses it; drop --no-net if the program needs it']);
    // With the network open, the same calls are the vows' and rules' to allow.
    const open = learnedPolicy({ files: [], net: [udp(53)], calls }, facts).policy;
    expect(open).toMatchObject({ net: true, vows: expect.stringContaining('inet') as string });
    expect(open.syscalls).toEqual([{ syscall: 'socket', action: 'allow', args: expect.arrayContaining([{ index: 0, op: 'eq', value: 16, width: 32 }]) as unknown }]);
  });

  it('grants the pathname sockets it connected to that are there (fs.sockets); nscd\'s missing socket and abstract ones need nothing', () => {
    const unix = (path?: string): NetEvent => ({ kind: 'net', op: 'connect', family: 'unix', ...(path === undefined ? {} : { path }) });
    const { policy } = learnedPolicy({ files: [], net: [unix('/srv/app/lib/../main.js'), unix('/var/run/nscd/socket'), unix()], calls: [] }, facts);
    expect(policy.fs).toEqual({ read: [], write: [], exec: [], sockets: ['/srv/app/main.js'] });
    expect(mergePolicies(policy, { fs: { sockets: ['/run/a.sock'] } }).fs).toMatchObject({ sockets: ['/run/a.sock', '/srv/app/main.js'] });
    // One the run bound itself is new next time: its directory.
    const own = (op: 'bind' | 'connect'): NetEvent => ({ kind: 'net', op, family: 'unix', path: '/srv/run/own.sock' });
    expect(learnedPolicy({ files: [], net: [own('bind'), own('connect')], calls: [] }, facts).policy.fs).toMatchObject({ sockets: ['/srv/run'] });
  });

  function net(op: 'connect', port: number): NetEvent {
    return { kind: 'net', op, family: 'inet', port, protocol: 'tcp' };
  }
});

describe('mergePolicies', () => {
  it('unions two learned policies', () => {
    expect(mergePolicies(
      { fs: { read: ['/a/x', '/b'], write: ['/tmp'], exec: [] }, net: false, vows: 'stdio rpath' },
      { fs: { read: ['/a/y', '/tmp/z'], write: ['/b/out'], exec: ['/usr/bin'] }, net: { connect: [443] }, vows: 'stdio inet', syscalls: [{ syscall: 'ptrace', action: 'allow' }] },
    )).toEqual({
      fs: { read: ['/a/x', '/a/y', '/b'], write: ['/b/out', '/tmp'], exec: ['/usr/bin'] },
      net: { connect: [443] }, vows: 'stdio rpath inet', syscalls: [{ syscall: 'ptrace', action: 'allow' }],
    });
  });

  it('keeps a part unrestricted when either leaves it out, and an open network open', () => {
    expect(mergePolicies({ fs: { read: ['/a'] }, net: true }, { net: { connect: [1] }, vows: 'stdio' })).toEqual({ net: true });
  });
});
