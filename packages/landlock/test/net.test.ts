import { describe, expect, it } from 'vitest';
import { USERS, child } from './child.js';

const NET_HELPERS = `
import net from 'node:net';
const listen = (port) => new Promise((resolve, reject) => { const s = net.createServer((c) => c.end()); s.once('error', reject); s.listen(port, '127.0.0.1', () => resolve(s)); });
const freePort = async () => { const s = await listen(0); const { port } = s.address(); await new Promise((r) => s.close(r)); return port; };
const tryConnect = (port) => new Promise((resolve) => { const c = net.connect(port, '127.0.0.1'); c.once('connect', () => { c.destroy(); resolve('ok'); }); c.once('error', (e) => resolve(e.code)); });
const tryBind = (port) => listen(port).then((s) => new Promise((r) => s.close(() => r('ok'))), (e) => e.code);
`;

describe.each(USERS)('TCP port rules on loopback (as %s)', (user) => {
  it('connect and bind work only on the listed ports, on the main thread and in a worker created before', () => {
    const r = child(`${NET_HELPERS}
const allowed = await listen(0), other = await listen(0);
const [pa, po] = [allowed.address().port, other.address().port];
const [bindOk, bindOther] = [await freePort(), await freePort()];
const worker = await startWorker(\`
  const net = await import('node:net');
  parentPort.postMessage('ready');
  parentPort.on('message', (port) => { const c = net.connect(port, '127.0.0.1');
    c.once('connect', () => { c.destroy(); parentPort.postMessage('ok'); }); c.once('error', (e) => parentPort.postMessage(e.code)); });\`);
const before = { connectOther: await tryConnect(po), bindOther: await tryBind(bindOther) };
const status = restrict({ net: { connectTcp: [pa], bindTcp: [bindOk] } });
const after = { connectAllowed: await tryConnect(pa), connectOther: await tryConnect(po), bindAllowed: await tryBind(bindOk),
  bindOther: await tryBind(bindOther), bindEphemeral: await tryBind(0),
  workerAllowed: await ask(worker, pa), workerOther: await ask(worker, po) };
await worker.terminate();
allowed.close(); other.close();
print({ handled: status.handled.net, before, after });
`, { user });
    expect(r).toEqual({
      handled: ['bind-tcp', 'connect-tcp'],
      before: { connectOther: 'ok', bindOther: 'ok' },
      after: { connectAllowed: 'ok', connectOther: 'EACCES', bindAllowed: 'ok', bindOther: 'EACCES', bindEphemeral: 'EACCES', workerAllowed: 'ok', workerOther: 'EACCES' },
    });
  });
});
