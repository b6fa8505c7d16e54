#!/usr/bin/env node
// `pnpm --filter @exile/vows bench`: seccompPolicy() cost and filter size per vow set, vow() install time,
// and the cost of syscalls under vows as ratios to the same loop without a filter, all in one run
// (each variant in a fresh process, 7 interleaved rounds, medians). Prints a markdown table.
import { execFileSync } from 'node:child_process';
import { compile as compileBpf } from '@exile/seccomp';
import { seccompPolicy, VOW_NAMES } from '@exile/vows';

const child = new URL('./child.mjs', import.meta.url).pathname;
const run = (layers) => JSON.parse(execFileSync(process.execPath, [child, JSON.stringify(layers)], { encoding: 'utf8' }));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const sets = { 'stdio': 'stdio', 'stdio rpath inet': 'stdio rpath inet', [`all ${VOW_NAMES.length} vows`]: VOW_NAMES.join(' ') };
const compileRows = Object.entries(sets).map(([label, vows]) => {
  const times = [];
  let length = 0;
  for (let i = 0; i < 20; i++) {
    const start = process.hrtime.bigint();
    const program = compileBpf(seccompPolicy(vows), { arch: 'x86_64' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    length = program.length;
  }
  return `| ${label} | ${length} | ${median(times).toFixed(2)} ms |`;
});

const variants = {
  'no filter (baseline)': [],
  "vow('stdio rpath inet')": ['stdio rpath inet'],
  "vow('stdio')": ['stdio'],
  'three stacked vow() calls': ['stdio rpath inet', 'stdio rpath', 'stdio'],
};
// Variants interleaved round by round, so drift in machine load hits all of them alike.
const samples = Object.fromEntries(Object.keys(variants).map((label) => [label, []]));
for (let round = 0; round < 7; round++) for (const [label, layers] of Object.entries(variants)) samples[label].push(run(layers));
const results = Object.fromEntries(Object.entries(samples).map(([label, s]) =>
  [label, { installNs: median(s.map((x) => x.installNs)), getuid: median(s.map((x) => x.getuid)), fstat: median(s.map((x) => x.fstat)) }]));
const base = results['no filter (baseline)'];
const syscallRows = Object.entries(results).map(([label, r]) =>
  `| ${label} | ${r.getuid.toFixed(0)} ns (×${(r.getuid / base.getuid).toFixed(2)}) | ${r.fstat.toFixed(0)} ns (×${(r.fstat / base.fstat).toFixed(2)}) | ${r.installNs === 0 ? '—' : `${(r.installNs / 1e6).toFixed(2)} ms`} |`);

console.log([
  '| vow set | BPF instructions (x86_64) | seccompPolicy() + BPF, median of 20 |',
  '|---|---|---|',
  ...compileRows,
  '',
  '| filter | `process.getuid()` (allowed, no argument checks: kernel action cache) | `fs.fstatSync(1)` (statx, argument-checked under stdio) | vow() per call |',
  '|---|---|---|---|',
  ...syscallRows,
].join('\n'));
