import { describe, expect, it } from 'vitest';
import { lastJson, runScript } from '../src/index.js';

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
});
