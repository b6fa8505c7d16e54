// `node launch-child.mjs N`: N round trips each of launch({}, () => 1), of launch() with a full
// policy, and of fork + IPC; prints the three medians (ms).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launch } from '@exile/core';

const n = Number(process.argv[2] ?? 10);
const echo = fileURLToPath(new URL('./echo.mjs', import.meta.url));
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn) => { const t0 = performance.now(); await fn(); return performance.now() - t0; };
const forkRoundTrip = () => new Promise((resolve) => {
  const child = fork(echo, [], { serialization: 'advanced' });
  child.once('message', (value) => { child.kill(); resolve(value); });
  child.send(1);
});
const full = { fs: false, net: false, vows: 'stdio', capabilities: 'drop-all' };
const launched = [];
const policed = [];
const forked = [];
for (let i = 0; i < n; i++) {
  launched.push(await time(() => launch({}, () => 1)));
  policed.push(await time(() => launch(full, () => 1)));
  forked.push(await time(forkRoundTrip));
}
console.log(JSON.stringify({ launch: median(launched), full: median(policed), fork: median(forked) }));
