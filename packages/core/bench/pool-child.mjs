// `node pool-child.mjs`: the warm pool against its baselines, one process; prints JSON (ms).
// - a worker's start (createPool() until one worker is idle): what single use pays per call, off the call's path;
// - single use, each call made once every worker is idle: the round trip itself;
// - single use, calls arriving at 20/s: latency of `() => 1` under a full policy, and of a
//   markdown render (marked) against the same render in this process, with and without the
//   pool's warm-up (each worker renders a sample before it takes a call); a call waits when
//   workers start slower than calls arrive (size / start time < 20/s);
// - single use at 20/s again with every worker forked from this process (EXILE_POOL_DIRECT=1, as
//   before the spawner), with this process's event-loop delay in both runs;
// - maxUses 1000: calls per second against a worker_threads pool running the same function
//   unsandboxed, and the render on workers kept warm.
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { marked } from 'marked';
import { createPool } from '@exile/core';
import { sample } from './render.mjs';

const here = (f) => new URL(f, import.meta.url);
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const quantile = (xs, q) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const full = { fs: false, net: false, vows: 'stdio', capabilities: 'drop-all' };
const readme = fileURLToPath(here('../../../README.md'));
const markdown = readFileSync(readme, 'utf8');

async function warm(pool, size, every = 20) {
  while (pool.stats().idle < size) await sleep(every);
}

/** `count` calls, each made once all `size` workers are idle, each timed alone. */
async function whenIdle(pool, size, count, ...call) {
  const times = [];
  for (let i = 0; i < count; i++) {
    await warm(pool, size);
    const t0 = performance.now();
    await pool.run(...call);
    times.push(performance.now() - t0);
  }
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

/** `count` calls arriving every `every` ms, each timed from its arrival to its result. */
async function arrivals(pool, count, every, ...call) {
  const times = [];
  const running = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    running.push(pool.run(...call).then(() => times.push(performance.now() - t0)));
    await sleep(every);
  }
  await Promise.all(running);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

const starts = [];
for (let i = 0; i < 9; i++) {
  const t0 = performance.now();
  const pool = createPool(full, { module: here('./one.mjs'), size: 1 });
  await warm(pool, 1, 1);
  starts.push(performance.now() - t0);
  await pool.close();
}

/** `fn()` with the caller's event-loop delay recorded (ms): what the caller's other work waits meanwhile. */
async function loopDelay(fn) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const result = await fn();
  histogram.disable();
  return { ...result, delay: { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 } };
}

// Throughput: `lanes` callers back to back, `calls` calls in all; `call(lane)` makes one.
async function throughput(call, lanes, calls) {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => { for (let i = 0; i < calls / lanes; i++) await call(lane); }));
  return calls / ((performance.now() - t0) / 1000);
}
const size = 4;
const one = createPool(full, { module: here('./one.mjs'), size });
const idle = await whenIdle(one, size, 50, 'one');
await warm(one, size);
const single = await loopDelay(() => arrivals(one, 100, 50, 'one'));
// What single use sustains: calls back to back on all 4 workers (each call waits for a worker's start), then calls arriving at 5/s.
await warm(one, size);
const singleRate = await throughput(() => one.run('one'), size, 40);
await warm(one, size);
const slow = await arrivals(one, 40, 200, 'one');
await one.close();
// The same with every worker forked from this process (before the spawner): its thread waits for each fork and exec.
process.env.EXILE_POOL_DIRECT = '1';
const direct = createPool(full, { module: here('./one.mjs'), size });
await warm(direct, size);
const singleDirect = await loopDelay(() => arrivals(direct, 100, 50, 'one'));
await direct.close();
delete process.env.EXILE_POOL_DIRECT;

// marked lives outside this package: the render pool reads it too.
const markedRoot = dirname(realpathSync(fileURLToPath(import.meta.resolve('marked'))));
const renderPolicy = { ...full, fs: { read: [dirname(markedRoot)] } };
// Each worker renders marked's own README (never a caller's input) `warmTimes` times before it takes a call.
const warmTimes = 20;
const warmup = [{ export: 'render', args: [sample()], times: warmTimes }];
/** createPool() until its one worker is idle, median of `n`: a worker's start with this warm-up. */
async function startTime(options, n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const pool = createPool(renderPolicy, { module: here('./render.mjs'), size: 1, ...options });
    await warm(pool, 1, 1);
    times.push(performance.now() - t0);
    await pool.close();
  }
  return quantile(times, 0.5);
}
const renderStart = { cold: await startTime({}, 5), warm: await startTime({ warmup }, 5) };
const cold = createPool(renderPolicy, { module: here('./render.mjs'), size });
const renderedCold = await whenIdle(cold, size, 20, 'render', markdown);
await cold.close();
const render = createPool(renderPolicy, { module: here('./render.mjs'), size, warmup });
const renderedIdle = await whenIdle(render, size, 30, 'render', markdown);
await warm(render, size);
const rendered = await arrivals(render, 100, 50, 'render', markdown);
await render.close();
// Workers kept for many calls: the renderer warm from earlier calls (what single use gives up).
const kept = createPool(renderPolicy, { module: here('./render.mjs'), size: 2, maxUses: 1000 });
await warm(kept, 2);
for (let i = 0; i < 50; i++) await kept.run('render', markdown);
const renderedKept = await whenIdle(kept, 2, 100, 'render', markdown);
await kept.close();
// The same first render in a fresh unsandboxed process after the same warm-up: what single use costs without any sandbox.
const firstRender = Array.from({ length: 9 }, () => Number(execFileSync(process.execPath, [fileURLToPath(here('./render-cold.mjs')), readme, String(warmTimes)], { encoding: 'utf8' })));
const inProcess = [];
for (let i = 0; i < 200; i++) {
  const t0 = performance.now();
  marked.parse(markdown);
  inProcess.push(performance.now() - t0);
}

const lanes = 2;
const reused = createPool(full, { module: here('./one.mjs'), size: lanes, maxUses: 1000 });
await warm(reused, lanes);
const pooledRate = await throughput(() => reused.run('one'), lanes, 2000);
await reused.close();
const threads = Array.from({ length: lanes }, () => new Worker(here('./one-thread.mjs')));
await Promise.all(threads.map((t) => new Promise((resolve) => t.once('online', resolve))));
const viaThread = (lane) => new Promise((resolve) => { threads[lane].once('message', resolve); threads[lane].postMessage(0); });
const threadRate = await throughput(viaThread, lanes, 2000);
await Promise.all(threads.map((t) => t.terminate()));

console.log(JSON.stringify({
  start: quantile(starts, 0.5), idle, single, singleRate, slow, singleDirect, renderStart, warmTimes, renderedCold, renderedIdle, rendered, renderedKept, firstRender: quantile(firstRender, 0.5), inProcess: quantile(inProcess, 0.5), markdownBytes: markdown.length,
  pooledRate, threadRate,
}));
