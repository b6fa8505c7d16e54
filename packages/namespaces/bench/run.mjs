// Median spawn-to-exit latency of /bin/true: exile-launch vs bubblewrap vs plain child_process.spawn,
// measured in one run. Each round runs every contender once, in a fresh random order, with a short
// pause before each run: tearing down namespaces continues in the kernel after a sandbox exits
// (network and mount namespace cleanup), and would otherwise be billed to whoever runs next.
// Usage: node bench/run.mjs [iterations]   (prints a markdown table)
import { spawn as nodeSpawn } from 'node:child_process';
import { spawn } from '@exile/namespaces';

const iterations = Number(process.argv[2] ?? 200);

const USR = [
  { type: 'bind', source: '/usr', readOnly: true },
  { type: 'symlink', target: '/bin', linkTo: 'usr/bin' },
  { type: 'symlink', target: '/lib', linkTo: 'usr/lib' },
  { type: 'symlink', target: '/lib64', linkTo: 'usr/lib64' },
];
const BWRAP_USR = ['--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64'];
const NS = { user: true, mount: true, pid: true, net: true };
const BWRAP_NS = ['--unshare-user', '--unshare-pid', '--unshare-net'];

const scenarios = [
  { name: 'empty root, /usr', exile: { namespaces: NS, fs: { root: 'empty', mounts: USR } }, bwrap: [...BWRAP_NS, ...BWRAP_USR] },
  {
    name: 'empty root, /usr + /proc + /dev + /tmp',
    exile: { namespaces: NS, fs: { root: 'empty', mounts: [...USR, { type: 'proc' }, { type: 'dev' }, { type: 'tmpfs', target: '/tmp' }] } },
    bwrap: [...BWRAP_NS, ...BWRAP_USR, '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp'],
  },
];

function timed(start) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = start();
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0) reject(new Error(`exit ${code} ${signal}`));
      else resolve(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

const contenders = [
  { name: 'child_process.spawn', start: () => nodeSpawn('/bin/true', [], { stdio: 'ignore' }) },
  ...scenarios.flatMap((s) => [
    { name: `exile-launch, ${s.name}`, scenario: s.name, tool: 'exile', start: () => spawn('/bin/true', [], { ...s.exile, stdio: 'ignore' }) },
    { name: `bwrap, ${s.name}`, scenario: s.name, tool: 'bwrap', start: () => nodeSpawn('bwrap', [...s.bwrap, '/bin/true'], { stdio: 'ignore' }) },
  ]),
];

for (const c of contenders) for (let i = 0; i < 10; i++) await timed(c.start); // warm-up
const samples = new Map(contenders.map((c) => [c.name, []]));
const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
for (let i = 0; i < iterations; i++) {
  const order = [...contenders].sort(() => Math.random() - 0.5);
  for (const c of order) {
    await pause();
    samples.get(c.name).push(await timed(c.start));
  }
}

const base = median(samples.get('child_process.spawn'));
console.log(`${iterations} runs each, shuffled rounds; Node ${process.version}, uid ${process.getuid()}\n`);
console.log('| contender | median ms | p90 ms | × plain spawn | × bwrap (same scenario) |');
console.log('|---|---:|---:|---:|---:|');
for (const c of contenders) {
  const m = median(samples.get(c.name));
  const bwrapName = c.scenario ? `bwrap, ${c.scenario}` : undefined;
  const vsBwrap = bwrapName ? (m / median(samples.get(bwrapName))).toFixed(2) : '—';
  console.log(`| ${c.name} | ${m.toFixed(2)} | ${p90(samples.get(c.name)).toFixed(2)} | ${(m / base).toFixed(2)} | ${vsBwrap} |`);
}
