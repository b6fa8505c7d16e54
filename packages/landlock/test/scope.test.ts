import { describe, expect, it } from 'vitest';
import { USERS, child } from './child.js';

describe.each(USERS)('scopes (as %s)', (user) => {
  it('abstract-unix-socket: sockets bound outside the sandbox are unreachable from every thread; our own are reachable', () => {
    const r = child(`
import net from 'node:net';
const name = (tag) => '\\0exile-landlock-' + process.pid + '-' + tag;
const listen = (path) => new Promise((resolve, reject) => { const s = net.createServer((c) => c.end()); s.once('error', reject); s.listen(path, () => resolve(s)); });
const tryConnect = (path) => new Promise((resolve) => { const c = net.connect(path); c.once('connect', () => { c.destroy(); resolve('ok'); }); c.once('error', (e) => resolve(e.code)); });
const outside = await listen(name('outside'));
const worker = await startWorker(\`
  const net = await import('node:net');
  parentPort.postMessage('ready');
  parentPort.on('message', (path) => { const c = net.connect(path);
    c.once('connect', () => { c.destroy(); parentPort.postMessage('ok'); }); c.once('error', (e) => parentPort.postMessage(e.code)); });\`);
const before = await tryConnect(name('outside'));
const status = restrict({ scope: ['abstract-unix-socket'] });
const inside = await listen(name('inside'));
const after = { outside: await tryConnect(name('outside')), inside: await tryConnect(name('inside')),
  workerOutside: await ask(worker, name('outside')), workerInside: await ask(worker, name('inside')) };
await worker.terminate();
outside.close(); inside.close();
print({ status, before, after });
`, { user });
    expect(r.before).toBe('ok');
    const status = r.status as { enforced: string; mechanism: string; handled: { scope: string[] } };
    expect(status.enforced).toBe('full');
    expect(status.handled.scope).toEqual(['abstract-unix-socket']);
    // With the broadcast (ABI < 8) each thread has its own domain, so a worker cannot reach a
    // socket the main thread bound after restrict() (documented); TSYNC shares one domain.
    expect(r.after).toEqual({ outside: 'EPERM', inside: 'ok', workerOutside: 'EPERM', workerInside: status.mechanism === 'tsync' ? 'ok' : 'EPERM' });
  });

  it('signal: processes started before are out of reach from every thread; children started after are not; our own threads are', () => {
    const r = child(`
const sleeper = () => { const p = spawn('sleep', ['30'], { stdio: 'ignore' }); p.unref(); return p; };
const outside = sleeper();
const worker = await startWorker(\`
  parentPort.postMessage('ready');
  parentPort.on('message', (pid) => { try { process.kill(pid, 0); parentPort.postMessage('ok'); } catch (e) { parentPort.postMessage(e.code); } });\`);
const status = restrict({ scope: ['signal'] });
const inside = sleeper();
await new Promise((resolve) => inside.once('spawn', resolve));
let gotSignal = false;
process.on('SIGUSR2', () => { gotSignal = true; });
const fromWorkerToSelf = await ask(worker, process.pid);
await new Promise((resolve) => setTimeout(resolve, 50));
const result = { outside: attempt(() => process.kill(outside.pid, 'SIGTERM')), inside: attempt(() => process.kill(inside.pid, 'SIGTERM')),
  workerOutside: await ask(worker, outside.pid), fromWorkerToSelf, self: attempt(() => process.kill(process.pid, 'SIGUSR2')) };
await new Promise((resolve) => setTimeout(resolve, 50));
await worker.terminate();
print({ status, result, gotSignal, outsidePid: outside.pid });
`, { user });
    const status = r.status as { enforced: string; handled: { scope: string[] } };
    expect(status.enforced).toBe('full');
    expect(status.handled.scope).toEqual(['signal']);
    expect(r.result).toEqual({ outside: 'EPERM', inside: 'ok', workerOutside: 'EPERM', fromWorkerToSelf: 'ok', self: 'ok' });
    expect(r.gotSignal).toBe(true);
    process.kill(r.outsidePid as number, 'SIGTERM');
  });
});
