#!/usr/bin/env node
// The README demo: a naive extractor with a path-traversal bug, with and without exile.
//   node examples/archive-extract/index.mjs [--keep]
import { rmSync } from 'node:fs';
import { runDemo, table } from './demo.mjs';

const demo = runDemo();
console.log(`A crafted tar archive (../ names, an absolute path, a symlink out) unpacked by a naive extractor,
twice, in ${demo.area}:\n`);
if (demo.plain.error) console.log(`unsandboxed run failed: ${demo.plain.error}\n`);
if (demo.sandboxed.error) console.log(`sandboxed run failed: ${demo.sandboxed.error}\n`);
process.stdout.write(table(demo));
if (demo.sandboxed.report) {
  console.log('\nexile enforced:');
  for (const item of demo.sandboxed.report.items) console.log(`  ${item.enforced ? 'yes' : 'NO '}  ${item.what}  [${item.mechanism}]`);
}
const escapedPlain = demo.plain.disk.filter((r) => r.escaped).length;
const escapedExile = demo.sandboxed.disk.filter((r) => r.escaped).length;
const legit = demo.sandboxed.disk.filter((r) => r.landed).length;
console.log(`\nunsandboxed: ${escapedPlain} escapes. under exile: ${escapedExile} escapes, ${legit} legitimate entries extracted.`);
if (!process.argv.includes('--keep')) rmSync(demo.area, { recursive: true, force: true });
process.exitCode = escapedPlain === 3 && escapedExile === 0 && legit === 3 && !demo.sandboxed.error ? 0 : 1;
