import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const serverPath = fileURLToPath(new URL('../server.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'exile-web-'));
const secret = join(dir, 'secret.txt');
writeFileSync(secret, 'top secret\n');

function start(...args) {
  const child = spawn(process.execPath, [serverPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (line) => resolve({ child, ...JSON.parse(String(line)) }));
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
}

const servers = {};
beforeAll(async () => {
  servers.plain = await start('--no-exile');
  servers.exile = await start();
});
afterAll(() => Object.values(servers).forEach((s) => s.child.kill()));

const get = async (which, path) => {
  const res = await fetch(`http://127.0.0.1:${servers[which].port}${path}`);
  return { status: res.status, body: await res.text() };
};
const unsafe = async (which, path) => JSON.parse((await get(which, `/unsafe/${path}`)).body);

describe('web-app: the same unsafe endpoints, without and with exile', () => {
  it('both serve the static files', async () => {
    for (const which of ['plain', 'exile']) {
      const r = await get(which, '/static/index.html');
      expect(r.status).toBe(200);
      expect(r.body).toContain('read-only static directory');
    }
  });

  it('reading outside the static dir: works without, EACCES with exile', async () => {
    expect(await unsafe('plain', `read?path=${secret}`)).toEqual({ ok: true });
    expect(await unsafe('exile', `read?path=${secret}`)).toEqual({ ok: false, code: 'EACCES' });
  });

  it('writing a file: works without, refused with exile and nothing is written', async () => {
    const a = join(dir, 'a.txt');
    const b = join(dir, 'b.txt');
    expect(await unsafe('plain', `write?path=${a}`)).toEqual({ ok: true });
    expect(readFileSync(a, 'utf8')).toBe('pwned\n');
    const r = await unsafe('exile', `write?path=${b}`);
    expect(r.ok).toBe(false);
    expect(['EACCES', 'EPERM']).toContain(r.code);
    expect(existsSync(b)).toBe(false);
  });

  it('spawning a program: works without, EPERM/EACCES with exile', async () => {
    expect(await unsafe('plain', 'exec?cmd=/bin/true')).toEqual({ ok: true });
    const r = await unsafe('exile', 'exec?cmd=/bin/true');
    expect(r.ok).toBe(false);
    expect(['EACCES', 'EPERM']).toContain(r.code);
  });

  it('connecting out (SSRF): works without, EACCES with exile', async () => {
    const target = servers.plain.port;
    expect(await unsafe('plain', `connect?port=${target}`)).toEqual({ ok: true });
    expect(await unsafe('exile', `connect?port=${target}`)).toEqual({ ok: false, code: 'EACCES' });
  });

  it('keeps serving after refusing, and reports what it enforces', async () => {
    expect((await get('exile', '/static/index.html')).status).toBe(200);
    expect(servers.exile.report.items.filter((i) => i.enforced).map((i) => i.what)).toEqual(expect.arrayContaining([
      'file system', 'vows: stdio rpath inet', 'network: sockets other than TCP and AF_UNIX',
    ]));
  });
});
