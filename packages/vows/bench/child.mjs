// One benchmark variant in a fresh process: install the vows (if any), then time syscall loops.
// Prints JSON: ns per call for a cache-eligible syscall (getuid: allowed without argument checks)
// and for an argument-checked one (fstat → statx(fd, "", AT_EMPTY_PATH) under stdio).
import { fstatSync } from 'node:fs';
import { vow } from '@exile/vows';

const layers = JSON.parse(process.argv[2] ?? '[]');
const t0 = process.hrtime.bigint();
for (const vows of layers) vow(vows);
const installNs = layers.length === 0 ? 0 : Number(process.hrtime.bigint() - t0) / layers.length;

function perCall(fn, n) {
  for (let i = 0; i < n / 10; i++) fn();
  const runs = [];
  for (let r = 0; r < 7; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    runs.push(Number(process.hrtime.bigint() - start) / n);
  }
  return runs.sort((a, b) => a - b)[3];
}

console.log(JSON.stringify({
  installNs,
  getuid: perCall(() => process.getuid(), 200_000),
  fstat: perCall(() => fstatSync(1), 100_000),
}));
