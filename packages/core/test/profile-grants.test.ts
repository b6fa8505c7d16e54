// Profiles expand on a machine's real layout: a fake one here (no kernel, no file system).
import { describe, expect, it } from 'vitest';
import { profileGrants, type ProfileHost } from '../src/policy/profile-grants.js';
import { PROFILE_NAMES, PROFILES } from '../src/policy/profiles.js';

function host(files: string[], env: Record<string, string> = {}): ProfileHost {
  const set = new Set(files);
  return {
    exists: (path) => set.has(path) || files.some((f) => f.startsWith(`${path}/`)),
    list: (dir) => [...new Set(files.filter((f) => f.startsWith(`${dir === '/' ? '' : dir}/`)).map((f) => f.slice(dir === '/' ? 1 : dir.length + 1).split('/')[0]!))],
    env,
    programFiles: (name) => (name === 'node' ? ['/opt/node/bin/node', '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'] : []),
  };
}

describe('profileGrants', () => {
  it('keeps only the paths this machine has, expands * per component, and adds the programs found on the PATH', () => {
    const machine = host(['/usr/lib/python3.11/os.py', '/usr/lib/python3/dist-packages/x.py', '/usr/lib/pythonista/y', '/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache', '/etc/ssl/certs/ca.pem', '/etc/ssl/private/key.pem']);
    const [python] = profileGrants(['python'], machine);
    expect(python).toEqual({
      name: 'python',
      exec: ['/usr/lib/x86_64-linux-gnu'],
      read: ['/usr/lib/python3', '/usr/lib/python3.11', '/usr/lib/x86_64-linux-gnu/gconv', '/etc/ssl/certs'],
    });
    // Never the whole of /etc/ssl: its private keys stay out of every profile.
    for (const name of PROFILE_NAMES) expect(profileGrants([name], machine)[0]!.read).not.toContain('/etc/ssl');
  });

  it('node: the node on the PATH with its loader, and the CA file NODE_EXTRA_CA_CERTS names when it exists', () => {
    const machine = host(['/etc/ssl/openssl.cnf', '/home/me/ca.pem'], { NODE_EXTRA_CA_CERTS: '/home/me/ca.pem', SSL_CERT_FILE: '/nowhere.pem', OPENSSL_CONF: 'relative.cnf' });
    expect(profileGrants(['node'], machine)).toEqual([{ name: 'node', exec: ['/opt/node/bin/node', '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'], read: ['/etc/ssl/openssl.cnf', '/home/me/ca.pem'] }]);
  });

  it('combines in the order named, each profile once', () => {
    const machine = host(['/usr/bin/sh', '/etc/passwd']);
    expect(profileGrants(['go', 'system', 'go'], machine).map((g) => [g.name, g.read, g.exec])).toEqual([
      ['go', ['/etc/passwd'], []],
      ['system', ['/etc/passwd'], ['/usr']],
    ]);
  });

  it('every profile says what it is for and how it was measured', () => {
    for (const name of PROFILE_NAMES) {
      expect(PROFILES[name].summary.length, name).toBeGreaterThan(20);
      expect(PROFILES[name].measured, name).toMatch(/strace|exile learn/);
    }
  });
});
