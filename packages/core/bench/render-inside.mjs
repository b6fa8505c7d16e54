// `node render-inside.mjs [TIMES...]`: the single-use render timed inside the worker, after a
// warm-up of TIMES renders of marked's own README (default 0 20 100 300), 10 calls each on a
// pool of 2 with the bench's full policy; prints the medians of wall and CPU ms per TIMES. CPU
// time is what the load of a shared machine does not stretch.
import { readFileSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPool } from '@exile/core';
import { sample } from './render.mjs';

const markdown = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
const markedRoot = dirname(realpathSync(fileURLToPath(import.meta.resolve('marked'))));
const policy = { fs: { read: [dirname(markedRoot)] }, net: false, vows: 'stdio', capabilities: 'drop-all' };
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const counts = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [0, 20, 100, 300];
const results = [];
for (const times of counts) {
  const warmup = times === 0 ? [] : [{ export: 'render', args: [sample()], times }];
  const pool = createPool(policy, { module: new URL('./render.mjs', import.meta.url), size: 2, warmup });
  const rows = [];
  for (let i = 0; i < 10; i++) {
    while (pool.stats().idle < 1) await sleep(5);
    await sleep(300);
    rows.push(await pool.run('timed', markdown));
  }
  await pool.close();
  results.push({ times, ms: median(rows.map((r) => r.ms)), cpu: median(rows.map((r) => r.cpu)) });
}
console.log(JSON.stringify(results));
