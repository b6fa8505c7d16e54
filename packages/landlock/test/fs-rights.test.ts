import { describe, expect, it } from 'vitest';
import { USERS, child } from './child.js';

describe.each(USERS)('file-system rights (as %s)', (user) => {
  it('write-only dir: create, change and remove work; reading and listing fail with EACCES', () => {
    const r = child(`
const wo = dir + '/wo';
prepareOps(wo, 'main');
const worker = await startWorker(\`parentPort.postMessage('ready');
  parentPort.on('message', async (d) => parentPort.postMessage(await attemptAsync(() => promisify(fs.readFile)(d + '/file'))));\`);
const status = restrict({ fs: { write: [wo] } });
const ops = await runOps(flavours.sync, wo, 'main');
const fromWorkerPool = await ask(worker, wo);
await worker.terminate();
print({ enforced: status.enforced, ops, fromWorkerPool, readBack: attempt(() => fs.readFileSync(wo + '/new-main')) });
`, { user });
    expect(r).toEqual({
      enforced: 'full', fromWorkerPool: 'EACCES', readBack: 'EACCES',
      // Node's truncate(path) opens the file O_RDWR, and reading is not granted.
      ops: { read: 'EACCES', list: 'EACCES', write: 'ok', create: 'ok', unlink: 'ok', mkdir: 'ok', rmdir: 'ok', rename: 'ok', truncate: 'EACCES', symlink: 'ok' },
    });
  });

  it('exec-only dir: programs run and can be read; listing and writing fail; a read-only dir cannot execute', () => {
    const r = child(`
const xo = dir + '/xo', ro = dir + '/ro';
for (const d of [xo, ro]) {
  fs.mkdirSync(d, { mode: 0o777 });
  fs.writeFileSync(d + '/prog', '#!/bin/sh\\necho ran\\n', { mode: 0o755 });
}
const status = restrict({ fs: { exec: [xo, '/usr'], read: [ro] } });
const run = (p) => { const r = spawnSync(p, { encoding: 'utf8' }); return r.error?.code ?? r.stdout.trim(); };
print({ enforced: status.enforced, runXo: run(xo + '/prog'), runRo: run(ro + '/prog'), readXo: attempt(() => fs.readFileSync(xo + '/prog')),
  listXo: attempt(() => fs.readdirSync(xo)), writeXo: attempt(() => fs.writeFileSync(xo + '/prog', 'x')),
  readRo: attempt(() => fs.readFileSync(ro + '/prog')), roExists: fs.existsSync(ro + '/prog') });
`, { user });
    expect(r).toEqual({ enforced: 'full', runXo: 'ran', runRo: 'EACCES', readXo: 'ok', listXo: 'EACCES', writeXo: 'EACCES', readRo: 'ok', roExists: true });
  });

  it('truncate is its own right: write-file without truncate cannot truncate, with it can', () => {
    const r = child(`
const a = dir + '/a', b = dir + '/b';
for (const f of [a, b]) fs.writeFileSync(f, 'original', { mode: 0o666 });
const status = restrict({ fs: { rules: [{ path: a, access: ['read-file', 'write-file'] }, { path: b, access: ['read-file', 'write-file', 'truncate'] }] } });
const writeInPlace = (f) => attempt(() => { const fd = fs.openSync(f, 'r+'); fs.writeSync(fd, 'O'); fs.closeSync(fd); });
print({ enforced: status.enforced,
  a: { inPlace: writeInPlace(a), truncate: attempt(() => fs.truncateSync(a, 1)), openTrunc: attempt(() => fs.writeFileSync(a, 'w')), content: fs.readFileSync(a, 'utf8') },
  b: { inPlace: writeInPlace(b), truncate: attempt(() => fs.truncateSync(b, 1)), openTrunc: attempt(() => fs.writeFileSync(b, 'w')), content: fs.readFileSync(b, 'utf8') } });
`, { user });
    expect(r).toEqual({
      enforced: 'full',
      a: { inPlace: 'ok', truncate: 'EACCES', openTrunc: 'EACCES', content: 'Original' },
      b: { inPlace: 'ok', truncate: 'ok', openTrunc: 'ok', content: 'w' },
    });
  });

  it('refer: renaming across directories works with refer and fails with EXDEV without it', () => {
    const r = child(`
const mk = (d) => { fs.mkdirSync(d, { mode: 0o777 }); fs.writeFileSync(d + '/f', 'x', { mode: 0o666 }); };
const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => dir + '/' + n);
[a, b, c, d].forEach(mk);
const noRefer = ['read-file', 'read-dir', 'write-file', 'make-reg', 'remove-file'];
const status = restrict({ fs: { write: [a, b], read: [a, b], rules: [{ path: c, access: noRefer }, { path: d, access: noRefer }] } });
print({ enforced: status.enforced,
  withRefer: attempt(() => fs.renameSync(a + '/f', b + '/f2')), moved: fs.existsSync(b + '/f2'),
  withoutRefer: attempt(() => fs.renameSync(c + '/f', d + '/f2')), stayed: fs.existsSync(c + '/f'),
  sameDir: attempt(() => fs.renameSync(c + '/f', c + '/g')) });
`, { user });
    expect(r).toEqual({ enforced: 'full', withRefer: 'ok', moved: true, withoutRefer: 'EXDEV', stayed: true, sameDir: 'ok' });
  });

  it('ioctl-dev: a device ioctl fails with EACCES unless granted (stty on /dev/null)', () => {
    const r = child(`
const stty = () => spawnSync('stty', ['-F', '/dev/null'], { encoding: 'utf8' }).stderr;
const before = stty();
const status = restrict({ fs: { exec: ['/usr'], rules: [{ path: '/dev/null', access: ['read-file', 'write-file'] }] } });
print({ enforced: status.enforced, before, denied: stty() });
`, { user });
    // Without Landlock, TCGETS on /dev/null is ENOTTY; handled and not granted it is EACCES.
    expect(r.before).toMatch(/Inappropriate ioctl/);
    expect(r.denied).toMatch(/Permission denied/);
    const allowed = child(`
const status = restrict({ fs: { exec: ['/usr'], rules: [{ path: '/dev/null', access: ['read-file', 'write-file', 'ioctl-dev'] }] } });
print({ enforced: status.enforced, stderr: spawnSync('stty', ['-F', '/dev/null'], { encoding: 'utf8' }).stderr });
`, { user });
    expect(allowed).toEqual({ enforced: 'full', stderr: expect.stringMatching(/Inappropriate ioctl/) });
  });
});
