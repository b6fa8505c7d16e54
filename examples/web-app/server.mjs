// An HTTP server that locks itself down once it is listening:
//   node server.mjs [--no-exile]     prints {"port": N, "report": ...} on its first line
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join, normalize } from 'node:path';
import { enable } from '@exile/core';

const staticDir = fileURLToPath(new URL('./public', import.meta.url));

const outcome = (promise) => promise.then(() => ({ ok: true }), (error) => ({ ok: false, code: error.code ?? String(error) }));

/** Deliberately unsafe endpoints: each does what an attacker who controls the input would want. */
const unsafe = {
  read: (q) => outcome(readFile(q.get('path'))),
  write: (q) => outcome(writeFile(q.get('path'), 'pwned\n')),
  exec: (q) => outcome(new Promise((resolve, reject) => execFile(q.get('cmd'), (error) => (error ? reject(error) : resolve())))),
  connect: (q) => outcome(new Promise((resolve, reject) => connect(Number(q.get('port')), '127.0.0.1').on('connect', function () { this.destroy(); resolve(); }).on('error', reject))),
};

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const [, kind, name] = url.pathname.split('/');
  if (kind === 'static') {
    try {
      const body = await readFile(join(staticDir, normalize(`/${name}`)));
      res.writeHead(200, { 'content-type': 'text/html' }).end(body);
    } catch (error) {
      res.writeHead(404).end(error.code);
    }
  } else if (kind === 'unsafe' && unsafe[name]) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await unsafe[name](url.searchParams)));
  } else {
    res.writeHead(404).end();
  }
});

server.listen(0, '127.0.0.1', () => {
  const report = process.argv.includes('--no-exile') ? undefined : enable({
    fs: { read: [staticDir] },        // Landlock: read the static files, nothing else; write nowhere
    net: { connect: [], bind: [] },   // Landlock: no new TCP connections or binds; seccomp: no UDP
    vows: 'stdio rpath inet',         // seccomp: no exec, no spawn, no file writes
    penalty: 'errno',                 // refuse with EPERM and keep serving (default 'kill' ends the process)
  });
  console.log(JSON.stringify({ port: server.address().port, report }));
});
