// Without Landlock (EXILE_LANDLOCK_ABI_MAX=0) a started program gets the mount-namespace view:
// its own files must be there at the paths it opens them by (PT_INTERP's /lib64/…, the loader
// cache's /lib/…), not only at their resolved paths — as root and as nobody.
import { describe, expect, it } from 'vitest';
import { sharedTempDir } from '@exile/test-utils';
import { exileAs, type User } from './exile-cli.js';

const NO_LANDLOCK = { ...process.env, EXILE_LANDLOCK_ABI_MAX: '0' };
const exile = (user: User, ...args: string[]) => exileAs(user, args, { env: NO_LANDLOCK });
const result = (r: ReturnType<typeof exile>) => [r.status, r.stdout];

describe.each<User>(['current', 'nobody'])('a started program in the mount view, as %s', (user) => {
  it('with only --rw out: git starts through /lib64/ld-linux and the cache\'s /lib/… paths; /etc is not there', () => {
    const out = sharedTempDir();
    const git = exile(user, 'run', '--report', '--rw', out, '--', '/usr/bin/git', '--version');
    expect(result(git)).toEqual([0, expect.stringMatching(/^git version /)]);
    expect(git.stderr).toMatch(/exile: enforced: file system \[mount namespace/);
    const cat = exile(user, 'run', '--rw', out, '--', '/bin/cat', '/etc/hostname');
    expect([cat.status, cat.stderr]).toEqual([1, '/bin/cat: /etc/hostname: No such file or directory\n']);
  });

  it('--rox /usr /lib64 /bin: /lib64 is the host\'s tree, whose loader link points into /lib, which the view adds for the program', () => {
    expect(result(exile(user, 'run', '--rox', '/usr', '--rox', '/lib64', '--rox', '/bin', '--', '/bin/sh', '-c', 'echo hi'))).toEqual([0, 'hi\n']);
  });

  it('profiles work the same: sh runs coreutils, python3 its standard library', () => {
    expect(result(exile(user, 'run', '--profile', 'sh', '--', '/bin/sh', '-c', 'date +%Y >/dev/null && echo a b | tr a-z A-Z'))).toEqual([0, 'A B\n']);
    expect(result(exile(user, 'run', '--profile', 'python', '--', '/usr/bin/python3', '-c', 'import json, ssl; print(json.dumps([1]))'))).toEqual([0, '[1]\n']);
  });
});
