import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo, table } from '../demo.mjs';

const demo = runDemo();
afterAll(() => rmSync(demo.area, { recursive: true, force: true }));

describe('archive-extract demo', () => {
  it('unsandboxed, the naive extractor escapes three ways (inside the temp area)', () => {
    expect(demo.plain.error).toBeUndefined();
    expect(demo.plain.disk.map((r) => [r.entry, r.escaped || r.landed])).toEqual([
      ['hello.txt', true], ['docs/readme.md', true], ['../../escaped.txt', true],
      ['<abs>/home/.bashrc', true], ['link -> ../../home', true], ['link/authorized_keys', true],
    ]);
  });

  it('under exile, every escape fails with EACCES and the legitimate files land', () => {
    expect(demo.sandboxed.error).toBeUndefined();
    expect(demo.sandboxed.disk.filter((r) => r.escaped)).toEqual([]);
    expect(demo.sandboxed.disk.filter((r) => r.landed).map((r) => r.entry)).toEqual(['hello.txt', 'docs/readme.md', 'link -> ../../home']);
    const outcomes = Object.fromEntries(demo.sandboxed.results.map((r) => [r.name.replace(/^\/.*\/home\//, '<abs>/home/'), r.outcome]));
    expect(outcomes).toMatchObject({ '../../escaped.txt': 'EACCES', '<abs>/home/.bashrc': 'EACCES', 'link/authorized_keys': 'EACCES', 'hello.txt': 'written' });
    expect(demo.sandboxed.report.items).toEqual(expect.arrayContaining([
      expect.objectContaining({ what: 'file system', enforced: true }),
      expect.objectContaining({ what: 'vows: stdio rpath wpath cpath', enforced: true }),
    ]));
  });

  it('prints the side-by-side table', () => {
    const text = table(demo);
    expect(text).toMatch(/^archive entry +unsandboxed +under exile\n/);
    expect(text).toMatch(/\.\.\/\.\.\/escaped\.txt +ESCAPED -> escaped\.txt +blocked \(EACCES\)/);
  });

  it('runs as a program: exit 0 when the demo shows what it claims', () => {
    const r = spawnSync(process.execPath, [fileURLToPath(new URL('../index.mjs', import.meta.url))], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('unsandboxed: 3 escapes. under exile: 0 escapes, 3 legitimate entries extracted.');
  });
});
