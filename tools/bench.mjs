#!/usr/bin/env node
// `pnpm bench` / `npm run bench`: runs every package's `bench` script one after another (never in
// parallel: they measure time on a 2-core machine) and writes their markdown tables into one
// file, BENCHMARKS.md, headed by the machine they ran on.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const only = process.argv.slice(2);
const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir: join(root, 'packages', dir), json: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
  .filter((p) => p.json.scripts?.bench && (only.length === 0 || only.includes(p.json.name)));

const sections = [
  '# exile benchmarks',
  '',
  `Produced by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Linux ${release()}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}.`,
  'Every number is a ratio or a median measured against a baseline in the same run.',
];
let failed = 0;
for (const p of packages) {
  console.error(`== bench ${p.json.name}`);
  const result = spawnSync('pnpm', ['run', '--silent', 'bench'], { cwd: p.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(result.stdout);
  if (result.status !== 0) failed++;
  sections.push('', `## ${p.json.name}`, '', result.status === 0 ? result.stdout.trim() : `(failed with exit ${result.status})`);
}
writeFileSync(join(root, 'BENCHMARKS.md'), sections.join('\n') + '\n');
console.error(`wrote BENCHMARKS.md (${packages.length} packages${failed ? `, ${failed} failed` : ''}); commit: ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()}`);
process.exit(failed === 0 ? 0 : 1);
