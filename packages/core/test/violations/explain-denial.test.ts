import { describe, expect, it } from 'vitest';
import { explainDenial } from '../../src/index.js';

const error = (code: string, syscall: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`${code}: ${syscall}`), { code, syscall, ...extra });

describe('explainDenial', () => {
  const policy = { fs: { read: ['/usr'], write: ['/tmp/out'] } };
  it('Landlock: a path outside fs.read gets the entry to add', () => {
    expect(explainDenial(error('EACCES', 'open', { path: '/etc/hostname' }), policy))
      .toEqual({ by: 'landlock', access: 'read', path: '/etc/hostname', fix: 'add "/etc/hostname" to fs.read' });
    // An open of a readable path that was refused was a write.
    expect(explainDenial(error('EACCES', 'open', { path: '/usr/x' }), policy)).toMatchObject({ access: 'write', fix: 'add "/usr/x" to fs.write' });
    expect(explainDenial(error('EACCES', 'mkdir', { path: '/var/d' }), policy)).toMatchObject({ access: 'write', path: '/var/d' });
    expect(explainDenial(error('EACCES', 'spawn /opt/tool', { path: '/opt/tool' }), policy)).toMatchObject({ access: 'exec', fix: 'add "/opt/tool" to fs.exec' });
  });
  it('Landlock inside a store: the entry is the store exile learn grants whole (.git, an installed package), not the one file', () => {
    expect(explainDenial(error('EACCES', 'open', { path: '/srv/repo/.git/HEAD' }), policy))
      .toEqual({ by: 'landlock', access: 'read', path: '/srv/repo/.git/HEAD', fix: 'add "/srv/repo/.git" to fs.read' });
    expect(explainDenial(error('EACCES', 'mkdir', { path: '/srv/repo/.git/refs/x' }), policy)).toMatchObject({ fix: 'add "/srv/repo/.git" to fs.write' });
    expect(explainDenial(error('EACCES', 'open', { path: '/app/node_modules/@s/p/lib/a.js' }), policy)).toMatchObject({ fix: 'add "/app/node_modules/@s/p" to fs.read' });
  });
  it('not the policy\u2019s doing: a mode-000 file the policy lets read, no fs policy, an unrelated errno → undefined', () => {
    expect(explainDenial(error('EACCES', 'open', { path: '/tmp/out/secret' }), policy)).toBeUndefined();
    expect(explainDenial(error('EACCES', 'open', { path: '/etc/hostname' }), {})).toBeUndefined();
    expect(explainDenial(error('ENOENT', 'open', { path: '/etc/hostname' }), policy)).toBeUndefined();
    expect(explainDenial(new Error('plain'), policy)).toBeUndefined();
    expect(explainDenial('EACCES', policy)).toBeUndefined();
  });
  it('Landlock TCP: a port not listed gets the flag', () => {
    expect(explainDenial(error('EACCES', 'connect', { port: 443 }), { net: { connect: [80] } }))
      .toEqual({ by: 'landlock', access: 'connect', path: 'port 443', fix: 'add 443 to net.connect (--connect 443)' });
    expect(explainDenial(error('EACCES', 'connect', { port: 80 }), { net: { connect: [80] } })).toBeUndefined();
  });
  it('vows with penalty errno: the vow to add', () => {
    expect(explainDenial(error('EPERM', 'mkdir', { path: '/tmp/out/d' }), { vows: 'stdio rpath wpath', penalty: 'errno' }))
      .toEqual({ by: 'vows', access: 'write', path: '/tmp/out/d', fix: 'add "cpath" to vows' });
    expect(explainDenial(error('EPERM', 'open', { path: '/x' }), { vows: 'stdio rpath', penalty: 'errno' })).toMatchObject({ fix: 'add "wpath" and "cpath" to vows' });
    // penalty kill never returns EPERM from the filter: not the vows.
    expect(explainDenial(error('EPERM', 'mkdir', { path: '/d' }), { vows: 'stdio' })).toBeUndefined();
  });
});
