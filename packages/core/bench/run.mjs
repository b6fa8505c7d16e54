// `pnpm --filter @exile/core bench`: prints a markdown table; every ratio is against a baseline
// measured in the same run.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fastStartRows } from './fast-start.mjs';
import { learnRows } from './learn.mjs';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const node = (file, ...args) => execFileSync(process.execPath, [here(file), ...args], { encoding: 'utf8' }).trim();

// `node bench/run.mjs pool`: only the launch() and pool rows (3 and 4), a few minutes less.
const poolOnly = process.argv[2] === 'pool';

// 1. enable() in fresh processes.
const enableMs = poolOnly ? NaN : median(Array.from({ length: 15 }, () => Number(node('enable-child.mjs'))));

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
for (let i = 0; i < (poolOnly ? 0 : 7); i++) {
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

// 4. The warm pool: single use at 20 calls/s, a markdown render vs in-process, maxUses vs worker_threads.
const pool = JSON.parse(node('pool-child.mjs'));

// 5. exile run with and without the violation supervisor, on a program that violates nothing.
const supervisor = poolOnly ? {} : JSON.parse(node('supervisor.mjs', '9'));

const f = (x, d = 2) => (x === undefined ? '—' : x.toFixed(d));
const table = `| measurement | exile | baseline | ratio | target |
|---|---|---|---|---|
| \`enable()\` fs + net + vows + caps, median of 15 fresh processes | ${f(enableMs)} ms | — | — | — |
| HTTP on loopback, small file, 16 connections × 2 s, 7 rounds none → exile → none (medians; ratio: median of per-round ratios, range in brackets) | ${f(rpsExile, 0)} req/s | ${f(rpsPlain, 0)} req/s (no policy) | ${f(median(ratios))} [${f(ratios[0])}–${f(ratios[ratios.length - 1])}] | ≥ 0.97 |
| \`launch({}, () => 1)\` round trip, median of 15 | ${f(trip.launch)} ms | ${f(trip.fork)} ms (fork + IPC) | ${f(trip.launch / trip.fork)}× | ≤ 1.2× |
| \`launch()\` with fs: false, net: false, vows "stdio", caps dropped | ${f(trip.full)} ms | ${f(trip.fork)} ms (fork + IPC) | ${f(trip.full / trip.fork)}× | — |
| \`createPool()\` worker start (same policy: created until its worker is idle), median of 9 | ${f(pool.start)} ms | ${f(trip.full)} ms (cold \`launch()\`) | ${f(pool.start / trip.full)}× | — |
| \`createPool()\` single use, \`() => 1\`, same policy, size 4, 50 calls each made with every worker idle: p50 / p99 | ${f(pool.idle.p50)} / ${f(pool.idle.p99)} ms | ${f(trip.full)} ms (cold \`launch()\`) | ${f(pool.idle.p50 / trip.full, 3)}× | p50 ≤ 3 ms, p99 ≤ 10 ms |
| \`createPool()\` single use, \`() => 1\`, same policy, size 4, 100 calls arriving at 20/s: p50 / p99 | ${f(pool.single.p50)} / ${f(pool.single.p99)} ms | ${f(trip.full)} ms (cold \`launch()\`) | ${f(pool.single.p50 / trip.full, 3)}× | p50 ≤ 3 ms, p99 ≤ 10 ms |
| \`createPool()\` single use, \`() => 1\`, same policy, size 4, 40 calls back to back (what single use sustains) | ${f(pool.singleRate, 1)} calls/s | 20 calls/s (the target's rate) | ${f(pool.singleRate / 20)}× | — |
| \`createPool()\` single use, \`() => 1\`, same policy, size 4, 40 calls arriving at 5/s: p50 / p99 | ${f(pool.slow.p50)} / ${f(pool.slow.p99)} ms | ${f(trip.full)} ms (cold \`launch()\`) | ${f(pool.slow.p50 / trip.full, 3)}× | — |
| the caller's event-loop delay during those 20/s calls, p99 / max | ${f(pool.single.delay.p99)} / ${f(pool.single.delay.max)} ms (workers from the spawner) | ${f(pool.singleDirect.delay.p99)} / ${f(pool.singleDirect.delay.max)} ms (forked from the caller, \`EXILE_POOL_DIRECT=1\`; calls p50 / p99 ${f(pool.singleDirect.p50)} / ${f(pool.singleDirect.p99)} ms) | ${f(pool.single.delay.max / pool.singleDirect.delay.max)}× (max) | — |
| \`createPool()\` worker start, the render module, median of 5: with \`warmup\` (${pool.warmTimes} renders of marked's own README) / without | ${f(pool.renderStart.warm)} ms | ${f(pool.renderStart.cold)} ms | ${f(pool.renderStart.warm / pool.renderStart.cold)}× | — |
| \`createPool()\` single use, marked render of a ${Math.round(pool.markdownBytes / 1024)} KiB README, no warm-up, every worker idle: p50 / p99 | ${f(pool.renderedCold.p50)} / ${f(pool.renderedCold.p99)} ms | ${f(pool.inProcess)} ms (in-process, warm, median) | ${f(pool.renderedCold.p50 / pool.inProcess)}× | ≤ 2× + 2 ms |
| \`createPool()\` single use, the same render with \`warmup\` (each worker renders marked's own README ${pool.warmTimes} times before its call), every worker idle: p50 / p99 | ${f(pool.renderedIdle.p50)} / ${f(pool.renderedIdle.p99)} ms | ${f(pool.inProcess)} ms (in-process, warm, median) | ${f(pool.renderedIdle.p50 / pool.inProcess)}× | ≤ 2× + 2 ms |
| the same render as the first call of a fresh unsandboxed process after the same warm-up (what single use runs), median of 9 | ${f(pool.firstRender)} ms | ${f(pool.inProcess)} ms (in-process, warm, median) | ${f(pool.firstRender / pool.inProcess)}× | — |
| \`createPool()\` single use, the same render with \`warmup\`, 20/s: p50 / p99 | ${f(pool.rendered.p50)} / ${f(pool.rendered.p99)} ms | ${f(pool.inProcess)} ms (in-process, median) | ${f(pool.rendered.p50 / pool.inProcess)}× | ≤ 2× + 2 ms |
| \`createPool()\` \`maxUses: 1000\`, the same render on workers warm from 50 earlier calls, 2 workers, 100 calls: p50 / p99 | ${f(pool.renderedKept.p50)} / ${f(pool.renderedKept.p99)} ms | ${f(pool.inProcess)} ms (in-process, median) | ${f(pool.renderedKept.p50 / pool.inProcess)}× | ≤ 2× + 2 ms |
| \`createPool()\` \`maxUses: 1000\`, \`() => 1\`, 2 workers, 2000 calls | ${f(pool.pooledRate, 0)} calls/s | ${f(pool.threadRate, 0)} calls/s (worker_threads, unsandboxed) | ${f(pool.pooledRate / pool.threadRate)}× | — |
| \`exile run --vows "stdio rpath wpath proc exec"\` of a 200 × \`cat\` shell loop (no violation), median of 9 alternating runs | ${f(supervisor.supervised, 0)} ms (violation supervisor) | ${f(supervisor.plain, 0)} ms (EXILE_NO_SUPERVISOR=1) | ${f(supervisor.supervised / supervisor.plain)}× | ≤ 1.02× |
| \`exile run --diagnose --rox /usr --ro /etc\` of the same loop (nothing denied, so nothing printed), median of 9 alternating runs | ${f(supervisor.diagnosed, 0)} ms (--diagnose) | ${f(supervisor.landlock, 0)} ms (the same without --diagnose) | ${f(supervisor.diagnosed / supervisor.landlock)}× | — (an observer for fitting; slower by design) |`;
if (poolOnly) console.log(table.split('\n').filter((line, i) => i < 2 || /launch\(|createPool|the same render|event-loop/.test(line)).join('\n'));
else console.log(`${table}\n${learnRows()}\n\n${fastStartRows()}`);
