// #17 gap: a policy path that is a symlink. Run 1 (`--rw SHARED`) plants SHARED/cache → SECRET;
// run 2 (`--ro SHARED/cache`) then reads SECRET. The path is resolved once, when planned: the rule
// is on SECRET and the report says so (it named only SHARED/cache before). A path swapped between
// planning and the launcher's open fails closed: packages/namespaces/test/pre-exec.test.ts.
import { existsSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runAs, workTree, type User } from './run.js';

const ro = ['/usr', '/lib', '/bin', '/lib64'].flatMap((p) => ['--rox', p]);

describe.each<User>(['current', 'nobody'])('a symlinked policy path, as %s', (user) => {
  it('run 1 plants SHARED/cache -> SECRET; run 2 with --ro SHARED/cache reads SECRET, reported as such, and nothing else', () => {
    const dir = workTree('shared', 'secret', 'other');
    writeFileSync(join(dir, 'secret', 's'), 'secret\n', { mode: 0o644 });
    writeFileSync(join(dir, 'other', 'o'), 'other\n', { mode: 0o644 });
    const cache = join(dir, 'shared', 'cache');
    const plant = runAs(user, [process.execPath, CLI, 'run', ...ro, '--rw', join(dir, 'shared'), '--', '/bin/ln', '-s', join(dir, 'secret'), cache]);
    expect(plant.status).toBe(0);
    expect(lstatSync(cache).isSymbolicLink()).toBe(true);
    const read = runAs(user, [process.execPath, CLI, 'run', '--report', ...ro, '--ro', cache, '--',
      '/bin/sh', '-c', `cat ${cache}/s; cat ${dir}/other/o || echo refused; echo w > ${cache}/w || echo refused`]);
    expect(read.stdout).toBe('secret\nrefused\nrefused\n');
    expect(read.stderr).toContain(`exile: enforced: file system: ${cache} is ${join(dir, 'secret')} [landlock] resolved once, when planned`);
    expect(existsSync(join(dir, 'secret', 'w'))).toBe(false);
  });
});
