// `pnpm --filter @exile/core bench`: prints a markdown table; every ratio is against a baseline
// measured in the same run.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const node = (file, ...args) => execFileSync(process.execPath, [here(file), ...args], { encoding: 'utf8' }).trim();

// 1. enable() in fresh processes.
const enableMs = median(Array.from({ length: 15 }, () => Number(node('enable-child.mjs'))));

// 2. HTTP requests/s, full policy vs none. On a 2-core VM one round's throughput swings by ±40%
// either way (the same server, run after run), so: the server pinned to CPU 0 and the load to
// CPU 1, rounds of none → exile → none, and each exile round compared with the two rounds around it.
const pinned = (cpu, ...command) => ['taskset', ['-c', String(cpu), ...command]];
async function serve(...flags) {
  const server = spawn(...pinned(0, process.execPath, here('server.mjs'), ...flags), { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(Number(String(d)))));
  const rps = Number(execFileSync(...pinned(1, process.execPath, here('load.mjs'), String(port), '2', '16'), { encoding: 'utf8' }).trim());
  server.kill();
  return rps;
}
const rounds = [];
for (let i = 0; i < 7; i++) {
  const before = await serve();
  const exiled = await serve('--exile');
  const after = await serve();
  rounds.push({ plain: (before + after) / 2, exile: exiled, ratio: exiled / ((before + after) / 2) });
}
const ratios = rounds.map((r) => r.ratio).sort((a, b) => a - b);
const rpsPlain = median(rounds.map((r) => r.plain));
const rpsExile = median(rounds.map((r) => r.exile));

// 3. launch(() => 1) vs fork + IPC.
const trip = JSON.parse(node('launch-child.mjs', '15'));

const f = (x, d = 2) => x.toFixed(d);
console.log(`| measurement | exile | baseline | ratio | target |
|---|---|---|---|---|
| \`enable()\` fs + net + vows + caps, median of 15 fresh processes | ${f(enableMs)} ms | — | — | — |
| HTTP on loopback, small file, 16 connections × 2 s, 7 rounds none → exile → none (medians; ratio: median of per-round ratios, range in brackets) | ${f(rpsExile, 0)} req/s | ${f(rpsPlain, 0)} req/s (no policy) | ${f(median(ratios))} [${f(ratios[0])}–${f(ratios[ratios.length - 1])}] | ≥ 0.97 |
| \`launch({}, () => 1)\` round trip, median of 15 | ${f(trip.launch)} ms | ${f(trip.fork)} ms (fork + IPC) | ${f(trip.launch / trip.fork)}× | ≤ 1.2× |
| \`launch()\` with fs: false, net: false, vows "stdio", caps dropped | ${f(trip.full)} ms | ${f(trip.fork)} ms (fork + IPC) | ${f(trip.full / trip.fork)}× | — |`);
