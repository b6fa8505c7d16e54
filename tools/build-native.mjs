#!/usr/bin/env node
// Builds the native pieces of the package in the current directory into prebuilds/linux-<arch>/,
// for every architecture exile ships (tools/prebuild-arches.mjs): N-API addons through
// prebuildify (one NAPI build serves every Node >= 20, so a cross-compiled addon needs no arm64
// Node), and standalone executables named in package.json "exile.executables" copied from
// node-gyp's build/Release. The other architectures are cross-compiled with Debian's GNU toolchain
// (tools/run.sh setup installs it); this machine's own is built last, so build/Release — node-gyp-build's
// source-build fallback — always holds a binary this machine can load.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PREBUILD_ARCHES } from './prebuild-arches.mjs';

const require = createRequire(import.meta.url);
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const nodeGyp = join(root, 'node_modules', '.bin', 'node-gyp');
const cwd = process.cwd();
const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
const executables = pkg.exile?.executables ?? [];

// EXILE_PREBUILD_ARCHES narrows the set (e.g. "x64" on a machine without the cross toolchain);
// pack-check then reports the missing prebuilds.
const arches = (process.env.EXILE_PREBUILD_ARCHES ?? Object.keys(PREBUILD_ARCHES).join(' ')).split(/[\s,]+/).filter(Boolean)
  .sort((a, b) => Number(a === process.arch) - Number(b === process.arch));

if (process.platform !== 'linux') throw new Error('exile builds on Linux only');
if (!process.env.npm_config_nodedir) {
  // node-gyp would otherwise try to download headers, which fails offline.
  process.env.npm_config_nodedir = dirname(dirname(process.execPath));
}

/** Compiler environment for `arch`: the host's defaults, or the cross toolchain (checked up front). */
function toolchain(arch) {
  if (arch === process.arch) return { env: {}, strip: 'strip' };
  if (!Object.hasOwn(PREBUILD_ARCHES, arch)) throw new Error(`build-native: no toolchain known for ${arch} (tools/prebuild-arches.mjs knows ${Object.keys(PREBUILD_ARCHES).join(', ')})`);
  const prefix = `${PREBUILD_ARCHES[arch].triplet}-`;
  for (const tool of ['gcc', 'g++', 'strip']) {
    try {
      execFileSync('sh', ['-c', `command -v ${prefix}${tool}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`build-native: ${prefix}${tool} is missing, needed for the linux-${arch} prebuild; `
        + 'bash tools/run.sh setup installs it (tools/prebuild-arches.mjs), or set EXILE_PREBUILD_ARCHES to skip that arch');
    }
  }
  return { env: { CC: `${prefix}gcc`, CXX: `${prefix}g++`, LINK: `${prefix}g++`, AR: `${prefix}ar` }, strip: `${prefix}strip` };
}

async function build(arch) {
  const { env, strip } = toolchain(arch);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    if (executables.length > 0 && pkg.exile?.addon === false) {
      execFileSync(nodeGyp, ['rebuild', '--release', `--arch=${arch}`], { cwd, stdio: 'inherit' });
    } else {
      const prebuildify = require('prebuildify');
      await new Promise((resolve, reject) => {
        prebuildify({ cwd, napi: true, strip: true, stripBin: strip, arch, targets: [process.version], nodeGyp, quiet: false },
          (error) => (error ? reject(error) : resolve()));
      });
    }
  } finally {
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
  const out = join(cwd, 'prebuilds', `linux-${arch}`);
  mkdirSync(out, { recursive: true });
  for (const name of executables) {
    const target = join(out, name);
    copyFileSync(join(cwd, 'build', 'Release', name), target);
    execFileSync(strip, [target]);
    chmodSync(target, 0o755);
  }
}

for (const arch of arches) await build(arch);
