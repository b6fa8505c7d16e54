import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { lastJson, nobodyPath, REPO_ROOT, runScript, stageRoot } from '../src/index.js';

describe('runScript', () => {
  it('runs a module in a child and reports status, signal and output', () => {
    const r = runScript(`console.log(JSON.stringify({ pid: process.pid })); process.exit(3);`, { from: import.meta.url });
    expect(r.status).toBe(3);
    expect(lastJson<{ pid: number }>(r.stdout).pid).not.toBe(process.pid);
  });

  it('reports death by signal', () => {
    const r = runScript(`process.kill(process.pid, 'SIGKILL');`, { from: import.meta.url });
    expect(r.signal).toBe('SIGKILL');
  });

  it.runIf(process.getuid?.() === 0)('runs as nobody', () => {
    const r = runScript(`console.log(JSON.stringify([process.getuid(), process.getgid(), process.getgroups()]));`,
      { from: import.meta.url, user: 'nobody' });
    expect(r.stderr).toBe('');
    const [uid, gid, groups] = lastJson<[number, number, number[]]>(r.stdout);
    expect([uid, gid]).toEqual([65534, 65534]);
    expect(groups.every((g) => g === 65534)).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)('as nobody, runs from the stage: its script, cwd and path arguments are world-readable copies', () => {
    const common = join(REPO_ROOT, 'packages', 'common', 'dist', 'index.js');
    const r = runScript(`
      const { ExileError } = await import(process.argv[2]);
      console.log(JSON.stringify({ script: import.meta.url, cwd: process.cwd(), arg: process.argv[2], error: typeof ExileError, other: process.argv[3] }));`,
    { from: import.meta.url, user: 'nobody', args: [common, 'not-a-path'] });
    expect(r.stderr).toBe('');
    const out = lastJson<{ script: string; cwd: string; arg: string; error: string; other: string }>(r.stdout);
    expect(out.script.startsWith(`file://${stageRoot()}/tools/test-utils/.test-tmp/`)).toBe(true);
    expect(out.cwd).toBe(join(stageRoot(), 'tools', 'test-utils', '.test-tmp'));
    expect(out.arg).toBe(nobodyPath(common));
    expect(out.arg).not.toBe(common);
    expect(out.error).toBe('function');
    expect(out.other).toBe('not-a-path');
  });

  it('leaves paths outside the repository, and relative ones, as they are', () => {
    expect(nobodyPath('/usr/bin/env')).toBe('/usr/bin/env');
    expect(nobodyPath('dist/index.js')).toBe('dist/index.js');
  });
});
