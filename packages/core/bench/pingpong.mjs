// `node pingpong.mjs [CALLS]`: the floor under a pool's maxUses throughput. Alternating twice:
// a pool (maxUses, the bench's full policy, 2 workers) calling `() => 1` CALLS times (default
// 20000) from 2 lanes, and two bare Node processes answering 8 bytes on a socket, blocking, the
// same way; prints calls/s and this process's CPU µs per call for each run.
import { readSync, writeSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

if (process.argv[2] === 'echo') {
  const buffer = Buffer.alloc(64);
  for (;;) {
    const n = readSync(3, buffer, 0, 64, null);
    if (n === 0) process.exit(0);
    writeSync(3, buffer, 0, n);
  }
}

const { createPool } = await import('@exile/core');
const calls = Number(process.argv[2] ?? 20000);
const lanes = 2;

async function timed(call) {
  for (let lane = 0; lane < lanes; lane++) for (let i = 0; i < 100; i++) await call(lane);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => { for (let i = 0; i < calls / lanes; i++) await call(lane); }));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { rate: Math.round(calls / (ms / 1000)), cpuPerCallUs: Math.round((cpu.user + cpu.system) / calls) };
}

async function pool() {
  const p = createPool({ fs: false, net: false, vows: 'stdio', capabilities: 'drop-all' }, { module: new URL('./one.mjs', import.meta.url), size: lanes, maxUses: Infinity });
  const result = await timed(() => p.run('one'));
  await p.close();
  return result;
}

async function bare() {
  const echoes = Array.from({ length: lanes }, () => spawn(process.execPath, [fileURLToPath(import.meta.url), 'echo'], { stdio: ['ignore', 'inherit', 'inherit', 'pipe'] }));
  const ask = (lane) => new Promise((resolve) => { echoes[lane].stdio[3].once('data', resolve); echoes[lane].stdio[3].write(Buffer.alloc(8)); });
  const result = await timed(ask);
  for (const echo of echoes) echo.stdio[3].end();
  return result;
}

const runs = [];
for (let i = 0; i < 2; i++) runs.push({ pool: await pool(), bare: await bare() });
console.log(JSON.stringify(runs));
