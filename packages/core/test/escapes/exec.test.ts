// #17 gap: write-then-execute without a path Landlock sees. With fs set, a program may not create
// an executable memfd nor run an fd with execveat(AT_EMPTY_PATH); a memfd sealed non-executable
// still works. `ld.so DIR/prog` stays possible (Landlock checks execve, not mmap): the report says so.
import { chmodSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attacks, CLI, lastObject, runAs, workTree, type User } from './run.js';

const PY = '/usr/bin/python3';
const script = attacks('attack.py')['attack.py']!;
const ro = ['/usr', '/lib', '/bin', '/lib64', dirname(script)].flatMap((p) => ['--rox', p]);
const ECHO = '/usr/bin/echo';
const LDSO = '/lib64/ld-linux-x86-64.so.2';
type Result = Record<string, string>;
const bare = (user: User, attack: string[]) => lastObject<Result>(runAs(user, [PY, script, ...attack]).stdout);
const exile = (user: User, flags: string[], attack: string[]) => {
  const r = runAs(user, [process.execPath, CLI, 'run', ...flags, '--', PY, script, ...attack]);
  return lastObject<Result>(r.stdout + r.stderr);
};

describe.each<User>(['current', 'nobody'])('exec of what Landlock never sees, as %s', (user) => {
  it('memfd_create without MFD_NOEXEC_SEAL and execveat(AT_EMPTY_PATH) are refused with fs set; a sealed memfd works', () => {
    expect(bare(user, ['memfd-exec', ECHO])).toEqual({ 'memfd-exec': 'ok' });
    expect(bare(user, ['fexecve', ECHO])).toEqual({ fexecve: 'ok' });
    expect(exile(user, ro, ['memfd-exec', ECHO])).toEqual({ 'memfd-exec': 'EACCES' });
    expect(exile(user, ro, ['memfd', '0'])).toEqual({ memfd: 'EACCES' });
    expect(exile(user, ro, ['fexecve', ECHO])).toEqual({ fexecve: 'EACCES' });
    expect(exile(user, ro, ['memfd', '8'])).toEqual({ memfd: 'ok' });
    // Without fs nothing restricts execution, and the rules stay out of the way.
    expect(exile(user, [], ['fexecve', ECHO])).toEqual({ fexecve: 'ok' });
  });

  it('--rw DIR: DIR/prog does not execute, --rw writes work, and ld.so DIR/prog is reported as possible', () => {
    const dir = workTree('rw');
    const prog = join(dir, 'rw', 'echo');
    copyFileSync(ECHO, prog);
    chmodSync(prog, 0o755);
    const run = (...argv: string[]) => runAs(user, [process.execPath, CLI, 'run', '--report', ...ro, '--rw', join(dir, 'rw'), '--', ...argv]);
    // exile run grants the program it starts; what that program then runs from DIR is refused.
    const direct = run('/bin/sh', '-c', `${prog} ran`);
    expect(direct.status).not.toBe(0);
    expect(direct.stdout).toBe('');
    expect(run('/bin/sh', '-c', `echo w > ${dir}/rw/f && cat ${dir}/rw/f`).stdout).toBe('w\n');
    const viaLoader = run(LDSO, prog, 'ran');
    expect(viaLoader.stdout).toBe('ran\n');
    expect(viaLoader.stderr).toContain('exile: NOT enforced: exec: code mapped from readable files (ld.so DIR/prog, dlopen) [landlock]');
  });
});
