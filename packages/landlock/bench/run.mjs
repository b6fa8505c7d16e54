#!/usr/bin/env node
// restrict() latency, median over fresh processes (restrict() changes the process for good, so each
// sample is a new Node process), for 1/10/100 path rules and 7/19 threads. The baseline, measured in
// the same run and the same thread set-up, is @exile/threads broadcast([no-new-privs]): the bare
// cost of reaching every thread, which restrict() pays too below ABI 8.
// Usage: node bench/run.mjs [samples]   (prints a markdown table)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const samples = Number(process.argv[2] ?? 15);
const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'exile-landlock-bench-'));
for (let i = 0; i < 100; i++) mkdirSync(join(work, `d${i}`));

// One sample: set up the threads, then time one call. CommonJS (require() of the ES module
// package, Node >= 20.19) keeps the libuv pool unstarted: 7 threads; the pool (4) and 8 workers
// make 19. The script sits in bench/ so it can load the package by name.
const script = join(here, '.sample.cjs');
writeFileSync(script, `
const { readdirSync, promises } = require('node:fs');
const { Worker } = require('node:worker_threads');
const { restrict } = require('@exile/landlock');
const { broadcast } = require('@exile/threads');
const [what, rules, threads, work] = process.argv.slice(2);
async function main() {
  if (threads === '19') {
    await promises.readFile('/proc/self/stat');
    for (let i = 0; i < 8; i++) {
      const w = new Worker('require("node:worker_threads").parentPort.postMessage(1); setInterval(() => {}, 1000);', { eval: true });
      await new Promise((resolve) => w.once('message', resolve));
    }
  }
  const count = readdirSync('/proc/self/task').length;
  const spec = { fs: { read: Array.from({ length: Number(rules) }, (_, i) => work + '/d' + i) } };
  const t0 = process.hrtime.bigint();
  if (what === 'restrict') restrict(spec); else broadcast([{ op: 'no-new-privs' }]);
  const us = Number(process.hrtime.bigint() - t0) / 1000;
  console.log(JSON.stringify({ us, count }));
  process.exit(0);
}
main();
`);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function measure(what, rules, threads) {
  const times = [];
  let count = 0;
  for (let i = 0; i < samples; i++) {
    const r = spawnSync(process.execPath, [script, what, String(rules), String(threads), work], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${what} ${rules} ${threads}: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    times.push(out.us);
    count = out.count;
  }
  return { median: median(times), min: Math.min(...times), count };
}

const rows = [];
try {
  for (const threads of [7, 19]) {
    const base = measure('broadcast', 0, threads);
    for (const rules of [1, 10, 100]) {
      const r = measure('restrict', rules, threads);
      rows.push(`| ${rules} | ${r.count} | ${r.median.toFixed(0)} (${r.min.toFixed(0)}) | ${base.median.toFixed(0)} (${base.min.toFixed(0)}) | ${(r.median / base.median).toFixed(2)}× |`);
    }
  }
} finally {
  rmSync(script, { force: true });
  rmSync(work, { recursive: true, force: true });
}
console.log(`restrict() latency, median (min) of ${samples} fresh processes (${process.version}, ${process.arch}, load average ${loadavg()[0].toFixed(1)})\n`);
console.log('| rules | threads | restrict() µs | baseline: broadcast([no-new-privs]) µs | ratio of medians |');
console.log('|---:|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
