// The Node workloads whose syscalls define the `runtime: 'node'` baseline of @exile/vows.
// Usage: node --expose-gc workload.mjs <phase...>   (phases: core wasm fs net; default: all)
// A marker open() of MARKER separates start-up (not covered by vows: it happens before vow())
// from the measured part; measure.mjs keeps only the syscalls made after the marker.
import { createHash, pbkdf2, randomBytes, generateKeyPairSync, createSign } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, promises as fsp } from 'node:fs';
import { createServer, get } from 'node:http';
import { Worker } from 'node:worker_threads';
import { gzipSync, gunzip } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const MARKER = '/exile-vows-runtime-marker';

async function core() {
  // timers and promises
  await sleep(20);
  await Promise.all(Array.from({ length: 100 }, (_, i) => new Promise((r) => setTimeout(r, i % 7))));
  setImmediate(() => {});
  await new Promise((r) => process.nextTick(r));
  // JSON and the JIT: a hot loop gets optimised by TurboFan on a V8 worker thread
  let sum = 0;
  for (let i = 0; i < 3e6; i++) sum += JSON.parse(JSON.stringify({ i })).i % 3;
  const hot = (n) => { let s = 0; for (let i = 0; i < n; i++) s = (s + i * i) % 1000003; return s; };
  for (let i = 0; i < 2000; i++) sum += hot(1000);
  // GC: big allocations, then a full collection
  const junk = [];
  for (let i = 0; i < 200; i++) junk.push(new Array(10000).fill(i));
  junk.length = 0;
  globalThis.gc?.();
  const big = Buffer.alloc(64 * 1024 * 1024, 1); // large ArrayBuffer: mmap outside the V8 heap
  sum += big[100];
  // crypto: sync hash, async pbkdf2 on the libuv pool, randomness, key generation
  createHash('sha256').update(randomBytes(1024)).digest('hex');
  await new Promise((res, rej) => pbkdf2('pw', 'salt', 20000, 32, 'sha512', (e) => (e ? rej(e) : res())));
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  createSign('sha256').update('x').sign(privateKey);
  // zlib: sync and async (thread pool)
  const packed = gzipSync(Buffer.alloc(1 << 20, 7));
  await new Promise((res, rej) => gunzip(packed, (e) => (e ? rej(e) : res())));
  // a worker thread that itself JITs, allocates and messages back
  await new Promise((res, rej) => {
    const w = new Worker('let s=0;for(let i=0;i<5e6;i++)s+=i%7;require("worker_threads").parentPort.postMessage(s)', { eval: true });
    w.once('message', () => w.terminate().then(res, rej));
    w.once('error', rej);
  });
  queueMicrotask(() => {});
  await sleep(50);
  return sum;
}

async function wasm() {
  // (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
  const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11]);
  const { instance } = await WebAssembly.instantiate(bytes);
  let s = 0;
  for (let i = 0; i < 1e6; i++) s = instance.exports.add(s, 1) | 0;
  return s;
}

async function fs() {
  const here = fileURLToPath(import.meta.url);
  readFileSync(here);
  statSync(here);
  readdirSync('/etc');
  existsSync('/nonexistent');
  await fsp.readFile(here);
  await fsp.stat('/etc');
  await fsp.readdir('/usr');
  const fh = await fsp.open(here, 'r');
  await fh.read(Buffer.alloc(10), 0, 10, 0);
  await fh.close();
}

async function net() {
  const file = readFileSync(fileURLToPath(import.meta.url));
  const server = createServer((req, res) => res.end(file));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  for (let i = 0; i < 20; i++) {
    await new Promise((res, rej) => get({ host: '127.0.0.1', port, path: '/', agent: false }, (r) => { r.resume(); r.on('end', res); }).on('error', rej));
  }
  await new Promise((r) => server.close(r));
}

/** Runs the named phases (all by default); importable, so a test can run them after vow(). */
export async function run(names = ['core', 'wasm', 'fs', 'net']) {
  const phases = { core, wasm, fs, net };
  for (const name of names) await phases[name]();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  existsSync(MARKER);
  await run(process.argv.slice(2).length > 0 ? process.argv.slice(2) : undefined);
  console.log('workload done');
}
