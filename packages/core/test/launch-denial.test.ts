import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedTempDir } from '@exile/test-utils';
import { child } from './launch-child.js';

describe.each(['current', 'nobody'] as const)('launch(): a denial the policy explains is in details.denial (%s)', (user) => {
  it('a read outside fs.read names the file and what to add; the same read granted works; a file the policy allows but its mode forbids gets no advice', () => {
    const dir = sharedTempDir('exile-launch-denial-');
    const locked = join(dir, 'locked');
    writeFileSync(locked, 'x');
    chmodSync(locked, 0o000);
    const { out } = child(`
      const read = async (path) => { const fs = await import('node:fs'); return fs.readFileSync(path, 'utf8'); };
      out.denied = await settle(launch({ fs: { read: [${JSON.stringify(dir)}] } }, read, '/etc/hostname'));
      out.granted = await settle(launch({ fs: { read: ['/etc/hostname'] } }, read, '/etc/hostname'));
      out.write = await settle(launch({ fs: { read: [${JSON.stringify(dir)}] } }, async (path) => { const fs = await import('node:fs'); fs.writeFileSync(path, 'y'); }, ${JSON.stringify(join(dir, 'new'))}));
      out.locked = await settle(launch({ fs: { write: [${JSON.stringify(dir)}] } }, read, ${JSON.stringify(locked)}));
    `, {}, user);
    expect(out.denied!.error).toMatchObject({ name: 'ExileRemoteError', remote: { code: 'EACCES', syscall: 'open', path: '/etc/hostname' },
      details: { denial: { by: 'landlock', access: 'read', path: '/etc/hostname', fix: 'add "/etc/hostname" to fs.read' } } });
    expect(out.granted).toEqual({ value: expect.any(String) });
    expect(out.write!.error).toMatchObject({ details: { denial: { by: 'landlock', access: 'write', path: join(dir, 'new'), fix: `add ${JSON.stringify(join(dir, 'new'))} to fs.write` } } });
    // Mode 000 where the policy lets read and write is not exile's doing: EACCES (root's child holds no capability), and no advice.
    expect(out.locked!.error).toMatchObject({ remote: { code: 'EACCES' } });
    expect(out.locked!.error!.details).toEqual({});
  });
});
