#!/usr/bin/env node
// Measures which syscalls a running Node process makes after start-up, per workload phase
// (workload.mjs), with `strace -f`. Writes observed.json next to this file; @exile/vows' tests
// check its Node runtime list against it. Usage: node tools/vows-runtime/measure.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const workload = join(here, 'workload.mjs');
const MARKER = '/exile-vows-runtime-marker';
const PHASES = ['core', 'wasm', 'fs', 'net'];
// Calls whose argument shapes matter to the vow table: keep their distinct argument patterns.
const SHAPES = new Set(['mmap', 'mprotect', 'pkey_mprotect', 'clone', 'clone3', 'ioctl', 'fcntl', 'prctl', 'openat', 'socket',
  'setsockopt', 'getsockopt', 'madvise', 'rt_sigaction', 'newfstatat', 'statx', 'kill', 'tgkill', 'prlimit64']);

/** Replaces addresses, sizes, fds and strings so equal shapes compare equal. */
function shape(args) {
  return args.replace(/"[^"]*"(\.\.\.)?/g, 'S').replace(/0x[0-9a-f]+/g, 'A').replace(/\{.*\}/g, '{..}').replace(/\b\d+\b/g, 'N');
}

function measure(phase) {
  const dir = mkdtempSync(join(tmpdir(), 'exile-vows-measure-'));
  const out = join(dir, 'trace');
  try {
    execFileSync('strace', ['-f', '-qq', '-o', out, process.execPath, '--expose-gc', workload, phase], { cwd: dir, stdio: 'ignore' });
    const lines = readFileSync(out, 'utf8').split('\n');
    const start = lines.findIndex((line) => line.includes(MARKER));
    const counts = {};
    const shapes = {};
    for (const line of lines.slice(start + 1)) {
      const m = /^\d+\s+([a-z0-9_]+)\((.*)$/.exec(line);
      if (m === null) continue;
      const [, name, rest] = m;
      counts[name] = (counts[name] ?? 0) + 1;
      if (SHAPES.has(name)) {
        const args = rest.replace(/\)\s+=.*$/, '').replace(/\s*<unfinished \.\.\.>$/, '');
        (shapes[name] ??= new Set()).add(shape(args));
      }
    }
    return { counts: Object.fromEntries(Object.entries(counts).sort()), shapes: Object.fromEntries(Object.entries(shapes).sort().map(([k, v]) => [k, [...v].sort()])) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const result = { node: process.version, kernel: release(), arch: process.arch, method: 'strace -f -qq, syscalls after the marker open()', phases: {} };
for (const phase of PHASES) result.phases[phase] = measure(phase);
writeFileSync(join(here, 'observed.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(Object.entries(result.phases).map(([phase, { counts }]) => `${phase}: ${Object.keys(counts).length} syscalls`).join('\n'));
