// A small static-file server on loopback: `node server.mjs [--exile]`; prints its port.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { enable } from '@exile/core';

const file = fileURLToPath(new URL('./server.mjs', import.meta.url));
const server = createServer(async (_req, res) => res.end(await readFile(file)));
server.listen(0, '127.0.0.1', () => {
  if (process.argv.includes('--exile')) {
    enable({ fs: { read: [file] }, net: { connect: [], bind: [] }, vows: 'stdio rpath inet', capabilities: 'drop-all' });
  }
  console.log(server.address().port);
});
