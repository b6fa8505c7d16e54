#!/usr/bin/env node
// Builds the native pieces of the package in the current directory into prebuilds/<platform>-<arch>/:
// N-API addons through prebuildify (one NAPI build serves every Node >= 20), and standalone
// executables named in package.json "exile.executables" copied from node-gyp's build/Release.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const nodeGyp = join(root, 'node_modules', '.bin', 'node-gyp');
const cwd = process.cwd();
const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
const executables = pkg.exile?.executables ?? [];
const out = join(cwd, 'prebuilds', `${process.platform}-${process.arch}`);

if (!process.env.npm_config_nodedir) {
  // node-gyp would otherwise try to download headers, which fails offline.
  process.env.npm_config_nodedir = dirname(dirname(process.execPath));
}

if (executables.length > 0 && pkg.exile?.addon === false) {
  execFileSync(nodeGyp, ['rebuild', '--release'], { cwd, stdio: 'inherit' });
} else {
  const prebuildify = require('prebuildify');
  await new Promise((resolve, reject) => {
    prebuildify({ cwd, napi: true, strip: true, targets: [process.version], nodeGyp, quiet: false },
      (error) => (error ? reject(error) : resolve()));
  });
}

mkdirSync(out, { recursive: true });
for (const name of executables) {
  const target = join(out, name);
  copyFileSync(join(cwd, 'build', 'Release', name), target);
  execFileSync('strip', [target]);
  chmodSync(target, 0o755);
}
