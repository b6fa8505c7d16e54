#!/usr/bin/env node
// Benchmark of @exile/seccomp against libseccomp (SCMP_FLTATR_CTL_OPTIMIZE=2) on x86_64:
// program length, instructions executed per syscall (mean/max over every x86_64 syscall, args 0),
// and the measured cost of a cached syscall (getppid) and an argument-checked one
// (personality(0xffffffff)) under each filter, as ratios to no filter, all in one run.
//   pnpm --filter @exile/seccomp bench
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, evaluate, fromOCI, syscalls } from '../dist/index.js';
import { program } from '../dist/compile.js';
import { normalize } from '../dist/validate.js';
import { libseccompBpf, withoutNewer } from './libseccomp.mjs';

const arch = 'x86_64';
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const CALLS = Number(process.env.BENCH_CALLS ?? 300_000);

// Docker's default profile from Debian's package (tools/debs/pins.txt), without the syscalls
// Debian 12's libseccomp 2.5.4 cannot name, so both compilers get exactly the same rules.
const dockerRoot = execFileSync('bash', [here('../../../tools/debs/fetch.sh'), 'oci-docker'], { encoding: 'utf8' }).trim();
const dockerProfile = join(dockerRoot, 'usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json');
const docker = withoutNewer(fromOCI(JSON.parse(readFileSync(dockerProfile, 'utf8')), { arch, kernel: '6.18.0' }));
const plain = docker.rules.filter((r) => r.args === undefined && r.action === 'allow').flatMap((r) => r.syscall);
// 150 names spread evenly over Docker's plain allow-list (sorted by number), plus what the loop needs.
// clock_gettime: the loop's thread CPU clock is no vDSO clock, it is a real syscall.
const needed = ['write', 'exit_group', 'getppid', 'clock_gettime'];
const sorted = plain.filter((n) => !needed.includes(n)).sort((a, b) => syscalls.number(a, arch) - syscalls.number(b, arch));
const names = [...needed, ...Array.from({ length: 150 - needed.length }, (_, i) => sorted[Math.floor((i * sorted.length) / (150 - needed.length))])];
const allowList = {
  defaultAction: { errno: 'EPERM' },
  rules: [
    { syscall: names, action: 'allow' },
    { syscall: 'personality', action: 'allow', args: [{ index: 0, op: 'eq', value: 0xffffffff }] },
  ],
};

const dir = mkdtempSync(join(tmpdir(), 'exile-seccomp-bench-'));
const loop = join(dir, 'syscall-loop');
execFileSync('cc', ['-O2', '-o', loop, here('syscall-loop.c')]);

const all = syscalls.list(arch).map((name) => syscalls.number(name, arch));
function shape(prog) {
  const executed = all.map((nr) => evaluate(prog, { nr }).executed);
  return { length: prog.length, mean: executed.reduce((a, b) => a + b, 0) / executed.length, max: Math.max(...executed) };
}

const variants = [{ name: 'no filter', file: '-' }];
const rows = [];
// The floor: the smallest exile filter (arch check, then allow everything). Its cost is the kernel's
// own price of seccomp on a task (slow syscall entry, seccomp_data, cache lookup), not the filter's.
{
  const floor = compile({ defaultAction: 'allow', rules: [] }, { arch });
  const file = join(dir, 'floor.bpf');
  writeFileSync(file, floor.instructions);
  const variant = { name: 'floor', file };
  variants.push(variant);
  rows.push({ label: 'allow everything (floor)', who: 'exile', ...shape(floor), variant });
}
for (const [label, policy] of [["Docker default", docker], [`${names.length}-syscall allow-list`, allowList]]) {
  const ours = compile(policy, { arch });
  const theirs = program(arch, libseccompBpf(normalize(policy, arch), 2, (nr) => syscalls.name(nr, arch)));
  for (const [who, prog] of [['exile', ours], ['libseccomp', theirs]]) {
    const file = join(dir, `${label}-${who}.bpf`.replace(/\W+/g, '_'));
    writeFileSync(file, prog.instructions);
    const variant = { name: `${label}, ${who}`, file };
    variants.push(variant);
    rows.push({ label, who, ...shape(prog), variant });
  }
}

// Times are thread CPU time (preemption excluded). A loaded machine still drifts: each filtered run is paired with a filter-free run right next to it (in
// alternating order), and the ratio reported is the median over the rounds of those pairs.
const measure = (file) => JSON.parse(execFileSync(loop, [file, String(CALLS), '3'], { encoding: 'utf8' }));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratios = new Map(variants.map((v) => [v.name, { getppid: [], personality: [] }]));
const baseline = { getppid: [], personality: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const v of variants.slice(1)) {
    const [none, filtered] = round % 2 === 0 ? [measure('-'), measure(v.file)] : [measure(v.file), measure('-')].reverse();
    for (const op of ['getppid', 'personality']) {
      ratios.get(v.name)[op].push(filtered[op] / none[op]);
      baseline[op].push(none[op]);
    }
  }
}
const base = { getppid: median(baseline.getppid), personality: median(baseline.personality) };

const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);
console.log(`seccomp filters on ${arch}, kernel ${execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim()}; ` +
  `no filter: getppid ${f1(base.getppid)} ns, personality ${f1(base.personality)} ns; ratios are medians over ${ROUNDS} rounds ` +
  `of paired runs (each the best of 3×${CALLS} calls)\n`);
console.log('| policy | compiler | instructions | executed mean | executed max | getppid (cached) vs none | personality (arg-checked) vs none |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const row of rows) {
  const r = ratios.get(row.variant.name);
  console.log(`| ${row.label} | ${row.who} | ${row.length} | ${f2(row.mean)} | ${row.max} | ${f2(median(r.getppid))} | ${f2(median(r.personality))} |`);
}
