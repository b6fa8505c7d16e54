// `pnpm --filter @exile/core bench`: prints a markdown table; every ratio is against a baseline
// measured in the same run.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const node = (file, ...args) => execFileSync(process.execPath, [here(file), ...args], { encoding: 'utf8' }).trim();

// 1. enable() in fresh processes.
const enableMs = median(Array.from({ length: 15 }, () => Number(node('enable-child.mjs'))));

// 2. HTTP requests/s, full policy vs none, load from a second process.
async function serve(...flags) {
  const server = spawn(process.execPath, [here('server.mjs'), ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(Number(String(d)))));
  const rps = Number(node('load.mjs', String(port), '3', '16'));
  server.kill();
  return rps;
}
const plain = [];
const exiled = [];
for (let i = 0; i < 3; i++) {
  plain.push(await serve());
  exiled.push(await serve('--exile'));
}
const rpsPlain = median(plain);
const rpsExile = median(exiled);

// 3. launch(() => 1) vs fork + IPC.
const trip = JSON.parse(node('launch-child.mjs', '15'));

const f = (x, d = 2) => x.toFixed(d);
console.log(`| measurement | exile | baseline | ratio | target |
|---|---|---|---|---|
| \`enable()\` fs + net + vows + caps, median of 15 fresh processes | ${f(enableMs)} ms | — | — | — |
| HTTP on loopback, small file, 16 connections × 3 s, median of 3 | ${f(rpsExile, 0)} req/s | ${f(rpsPlain, 0)} req/s (no policy) | ${f(rpsExile / rpsPlain)} | ≥ 0.97 |
| \`launch({}, () => 1)\` round trip, median of 15 | ${f(trip.launch)} ms | ${f(trip.fork)} ms (fork + IPC) | ${f(trip.launch / trip.fork)}× | ≤ 1.2× |
| \`launch()\` with fs: false, net: false, vows "stdio", caps dropped | ${f(trip.full)} ms | ${f(trip.fork)} ms (fork + IPC) | ${f(trip.full / trip.fork)}× | — |`);
