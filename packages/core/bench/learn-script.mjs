// A small Node program for the learning benchmark: reads the workspace's package manifests, hashes them.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packages = fileURLToPath(new URL('../..', import.meta.url));
const hash = createHash('sha256');
for (const dir of readdirSync(packages)) hash.update(readFileSync(join(packages, dir, 'package.json')));
console.log(hash.digest('hex').slice(0, 12));
