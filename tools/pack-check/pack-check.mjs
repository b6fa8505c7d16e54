#!/usr/bin/env node
// Proves the published form works: packs every public package with `pnpm pack`, installs the
// tarballs into an empty project with npm — no network (a fresh network namespace) and no C/C++
// compiler on PATH — and then loads each package through ESM import and CJS require, and runs the
// `exile` bin. Registry dependencies come from an npm cache filled beforehand.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PREBUILD_ARCHES } from '../prebuild-arches.mjs';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const work = mkdtempSync(join(tmpdir(), 'exile-pack-check-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
const cache = join(work, 'npm-cache');
const bin = join(work, 'bin');
let failures = 0;

// What an ELF e_machine is, from @exile/seccomp's arch list (built by now): a prebuild for an arch
// of tools/prebuild-arches.mjs must be for that arch's triplet.
const { programLayout } = await import(pathToFileURL(join(root, 'packages', 'seccomp', 'dist', 'index.js')).href);
/** The other architectures: their prebuilds are installed below without being loaded. */
const otherArches = Object.keys(PREBUILD_ARCHES).filter((arch) => arch !== process.arch);

/** The triplet of an ELF file's machine (little-endian), or what the file is when the arch list has no such machine. */
function machineOf(bytes) {
  if (bytes.length <= 20 || bytes.readUInt32BE(0) !== 0x7f454c46) return 'not ELF';
  const machine = bytes.readUInt16LE(18);
  return programLayout(machine)?.multiarch ?? `ELF machine ${machine}`;
}

function step(message) {
  console.log(`pack-check: ${message}`);
}

function check(ok, message) {
  if (!ok) failures++;
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${message}`);
}

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir: join(root, 'packages', dir), json: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
  .filter((p) => !p.json.private);

step(`packing ${packages.length} packages`);
mkdirSync(tarballs, { recursive: true });
for (const p of packages) {
  execFileSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: p.dir, stdio: ['ignore', 'ignore', 'inherit'] });
}
const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz')).map((f) => join(tarballs, f));
check(files.length === packages.length, `${files.length} tarballs`);

for (const file of files) {
  const listing = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n');
  const name = file.slice(tarballs.length + 1);
  const pkg = JSON.parse(execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' }));
  check(listing.includes('package/dist/index.js') && listing.includes('package/dist/index.d.ts'), `${name}: dist/index.js and .d.ts`);
  check(listing.includes('package/README.md'), `${name}: README.md`);
  check(!JSON.stringify(pkg).includes('workspace:'), `${name}: no workspace: ranges left`);
  if (pkg.gypfile) {
    for (const [arch, { triplet }] of Object.entries(PREBUILD_ARCHES)) {
      const binaries = listing.filter((f) => f.startsWith(`package/prebuilds/linux-${arch}/`) && !f.endsWith('/'));
      const machines = binaries.map((f) => machineOf(execFileSync('tar', ['-xzOf', file, f], { maxBuffer: 64 << 20 })));
      check(binaries.length > 0 && machines.every((m) => m === triplet),
        `${name}: prebuilds/linux-${arch}/ (${binaries.map((f, i) => `${f.split('/').pop()}: ${machines[i]}`).join(', ') || 'none'})`);
    }
  }
}

step('filling an npm cache with the registry dependencies (network allowed here)');
const external = new Set();
for (const p of packages) {
  for (const [dep, range] of Object.entries(p.json.dependencies ?? {})) {
    if (!range.startsWith('workspace:')) external.add(`${dep}@${range}`);
  }
}
// A throwaway online install resolves the whole tree (transitive and peer dependencies) into the cache.
const prefetch = join(work, 'prefetch');
mkdirSync(prefetch);
writeFileSync(join(prefetch, 'package.json'), JSON.stringify({ name: 'pack-check-prefetch', private: true, version: '0.0.0' }));
execFileSync('npm', ['install', '--cache', cache, '--ignore-scripts', '--no-audit', '--no-fund', ...external], { cwd: prefetch, stdio: ['ignore', 'ignore', 'inherit'] });

step('installing the tarballs offline, without a compiler');
mkdirSync(project, { recursive: true });
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, version: '0.0.0' }));
// A PATH with every tool of this machine except compilers, make and python: no source build can run.
const noCompiler = /^(cc|c\+\+|cpp|gcc|g\+\+|clang|clang\+\+|ld|make|gmake|python[0-9.]*|node-gyp|.*-(gcc|g\+\+|cc|c\+\+|ld)(-[0-9.]+)?|(gcc|g\+\+|cpp|clang)-[0-9.]+)$/;
mkdirSync(bin);
for (const dir of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    continue;
  }
  for (const entry of entries) {
    if (noCompiler.test(entry)) continue;
    try {
      symlinkSync(join(dir, entry), join(bin, entry));
    } catch {
      // an earlier PATH entry already provides it
    }
  }
}
const which = (tool) => execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
const offlineEnv = { PATH: bin, HOME: work, CC: '/nonexistent/cc', CXX: '/nonexistent/c++', npm_config_cache: cache, npm_config_nodedir: '/nonexistent' };
const unshare = [which('unshare'), process.getuid() === 0 ? '-n' : '-rn'];
const compilers = spawnSync('sh', ['-c', 'command -v cc gcc g++ c++ make python3'], { env: offlineEnv, encoding: 'utf8' }).stdout.trim();
check(compilers === '', `no compiler on the install PATH${compilers ? ` (found ${compilers})` : ''}`);
const install = spawnSync(unshare[0], [...unshare.slice(1), join(bin, 'npm'), 'install', '--offline', '--no-audit', '--no-fund', '--foreground-scripts', ...files],
  { cwd: project, env: offlineEnv, encoding: 'utf8' });
check(install.status === 0, `npm install --offline (exit ${install.status})`);
if (install.status !== 0) console.log(install.stdout, install.stderr);

step('loading every package (ESM import, CJS require) and running the exile bin');
for (const p of packages) {
  const name = p.json.name;
  const esm = spawnSync(join(bin, 'node'), ['--input-type=module', '-e',
    `const m = await import(${JSON.stringify(name)}); if (typeof m.ExileError !== 'function') throw new Error('no ExileError'); console.log(Object.keys(m).length);`],
  { cwd: project, env: offlineEnv, encoding: 'utf8' });
  check(esm.status === 0, `import('${name}')${esm.status === 0 ? '' : `: ${esm.stderr.trim().split('\n').slice(-3).join(' | ')}`}`);
  const cjs = spawnSync(join(bin, 'node'), ['-e',
    `const m = require(${JSON.stringify(name)}); if (typeof m.ExileError !== 'function') throw new Error('no ExileError');`],
  { cwd: project, env: offlineEnv, encoding: 'utf8' });
  check(cjs.status === 0, `require('${name}')${cjs.status === 0 ? '' : `: ${cjs.stderr.trim().split('\n').slice(-3).join(' | ')}`}`);
}
const probe = spawnSync(join(project, 'node_modules', '.bin', 'exile'), ['probe', '--json'], { cwd: project, env: offlineEnv, encoding: 'utf8' });
let features;
try {
  features = JSON.parse(probe.stdout);
} catch {
  features = undefined;
}
check(probe.status === 0 && typeof features?.landlock?.abi === 'number', `exile probe --json (exit ${probe.status})${probe.stderr ? `: ${probe.stderr.trim()}` : ''}`);
// The bin's V8 code cache is shipped, and this Node takes it (tools/bin-launcher.cjs falls back silently when not).
const dist = join(project, 'node_modules', '@exile', 'core', 'dist');
const cached = spawnSync(join(bin, 'node'), ['-e', `const { readFileSync } = require('node:fs');
  const bytes = readFileSync(${JSON.stringify(join(dist, 'cli.bundle.cjs'))}), cache = readFileSync(${JSON.stringify(join(dist, `cli.bundle.${process.arch}.cache`))});
  const fits = cache.readUInt32LE(0) === require('node:zlib').crc32(bytes);
  console.log(fits && !new (require('node:vm').Script)(bytes.toString('latin1'), { cachedData: cache.subarray(4) }).cachedDataRejected);`],
{ cwd: project, env: offlineEnv, encoding: 'utf8' });
check(cached.stdout.trim() === 'true', `the exile bin's code cache matches its bundle and V8 takes it${cached.stderr ? `: ${cached.stderr.trim().split('\n').pop()}` : ''}`);
// Packing stores 0644: @exile/namespaces' install script gives exile-launch its execute bit back.
const launcher = join(project, 'node_modules', '@exile', 'namespaces', 'prebuilds', `linux-${process.arch}`, 'exile-launch');
check((statSync(launcher).mode & 0o111) === 0o111, 'exile-launch is executable after install');
// launch() from an npm layout: the child's Landlock must let Node start and load exile's bootstrap
// from node_modules (not the workspace), and the vows filter must install from @exile/vows/install.
const launched = spawnSync(join(bin, 'node'), ['--input-type=module', '-e',
  `import { launch } from '@exile/core';
   const read = async () => { const fs = await import('node:fs'); try { fs.readFileSync('/etc/hostname'); return 'ok'; } catch (e) { return e.code; } };
   console.log(JSON.stringify({ sum: await launch({ fs: false, vows: 'stdio' }, (a, b) => a + b, 2, 3), denied: await launch({ fs: false, vows: 'stdio rpath' }, read) }));`],
{ cwd: project, env: offlineEnv, encoding: 'utf8' });
check(launched.status === 0 && launched.stdout.trim() === '{"sum":5,"denied":"EACCES"}',
  `launch() with fs: false + vows runs from node_modules, and denies a read (${launched.stdout.trim() || launched.stderr.trim().split('\n').slice(-6).join(' | ')})`);
const built = spawnSync('sh', ['-c', `find ${join(project, 'node_modules')} -path '*/build/Release/*' | head -1`], { encoding: 'utf8' }).stdout.trim();
check(built === '', `nothing was compiled at install time${built ? ` (found ${built})` : ''}`);

// node-gyp-build's install step proves a prebuild by loading it, which this machine's Node cannot
// do with another architecture's: here the scripts are run by hand with each other architecture as
// the target — node-gyp-build must resolve each addon to its prebuild, exile-launch's script must
// find and chmod that architecture's launcher — and nothing may compile. Loading and running them
// there is for npm run test:kernels, which boots an arm64 kernel.
for (const arch of otherArches) {
  step(`installing the same tarballs for ${arch} (npm_config_arch=${arch}), offline, without a compiler`);
  const other = join(work, `project-${arch}`);
  mkdirSync(other);
  writeFileSync(join(other, 'package.json'), JSON.stringify({ name: `pack-check-${arch}`, private: true, version: '0.0.0' }));
  const otherEnv = { ...offlineEnv, npm_config_arch: arch };
  const otherInstall = spawnSync(unshare[0], [...unshare.slice(1), join(bin, 'npm'), 'install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...files],
    { cwd: other, env: otherEnv, encoding: 'utf8' });
  check(otherInstall.status === 0, `npm install --offline --ignore-scripts (exit ${otherInstall.status})`);
  if (otherInstall.status !== 0) console.log(otherInstall.stdout, otherInstall.stderr);
  for (const p of packages.filter((q) => q.json.gypfile)) {
    const dir = join(other, 'node_modules', ...p.json.name.split('/'));
    const script = p.json.scripts?.install ?? '';
    if (script === 'node-gyp-build') {
      const resolved = spawnSync(join(bin, 'node'), ['-e', `console.log(require('node-gyp-build').resolve(${JSON.stringify(dir)}))`], { cwd: other, env: otherEnv, encoding: 'utf8' });
      check(resolved.status === 0 && resolved.stdout.includes(`/prebuilds/linux-${arch}/`), `${p.json.name}: node-gyp-build picks ${resolved.stdout.trim().slice(dir.length + 1) || resolved.stderr.trim().split('\n').pop()}`);
    } else {
      const ran = spawnSync(join(bin, 'sh'), ['-c', script], { cwd: dir, env: otherEnv, encoding: 'utf8' });
      check(ran.status === 0, `${p.json.name}: its install script succeeds for ${arch} (exit ${ran.status})${ran.status === 0 ? '' : `: ${ran.stderr.trim().split('\n').slice(-2).join(' | ')}`}`);
    }
  }
  const launcher = join(other, 'node_modules', '@exile', 'namespaces', 'prebuilds', `linux-${arch}`, 'exile-launch');
  check(((statSync(launcher, { throwIfNoEntry: false })?.mode ?? 0) & 0o111) === 0o111, `the ${arch} exile-launch is executable after its install script`);
  const built = spawnSync('sh', ['-c', `find ${join(other, 'node_modules')} -path '*/build/Release/*' | head -1`], { encoding: 'utf8' }).stdout.trim();
  check(built === '', `nothing was compiled for ${arch}${built ? ` (found ${built})` : ''}`);
}

step('source fallback: @exile/core without its prebuild compiles at install time (offline)');
const coreTarball = files.find((f) => f.includes('exile-core-'));
const stripped = join(work, 'stripped');
mkdirSync(stripped);
execFileSync('tar', ['-xzf', coreTarball, '-C', stripped]);
rmSync(join(stripped, 'package', 'prebuilds'), { recursive: true, force: true });
const coreSource = join(work, 'exile-core-source.tgz');
execFileSync('tar', ['-czf', coreSource, '-C', stripped, 'package']);
const fallback = join(work, 'fallback');
mkdirSync(fallback);
writeFileSync(join(fallback, 'package.json'), JSON.stringify({ name: 'pack-check-fallback', private: true, version: '0.0.0' }));
const fullEnv = { ...process.env, npm_config_cache: cache };
const sourceInstall = spawnSync(unshare[0], [...unshare.slice(1), 'npm', 'install', '--offline', '--no-audit', '--no-fund', ...files.filter((f) => f !== coreTarball), coreSource],
  { cwd: fallback, env: fullEnv, encoding: 'utf8' });
check(sourceInstall.status === 0, `npm install of a prebuild-less @exile/core (exit ${sourceInstall.status})`);
if (sourceInstall.status !== 0) console.log(sourceInstall.stdout, sourceInstall.stderr);
const sourceProbe = spawnSync('node', ['-e', `console.log(require('@exile/core').probe().kernel)`], { cwd: fallback, env: fullEnv, encoding: 'utf8' });
check(sourceProbe.status === 0 && sourceProbe.stdout.trim() !== '', `the source-built addon loads and probes${sourceProbe.status === 0 ? '' : `: ${sourceProbe.stderr.trim()}`}`);
check(spawnSync('test', ['-f', join(fallback, 'node_modules/@exile/core/build/Release/exile_core.node')]).status === 0, 'it came from build/Release');

rmSync(work, { recursive: true, force: true });
console.log(`pack-check: ${failures === 0 ? 'passed' : `${failures} check(s) failed`}`);
process.exit(failures === 0 ? 0 : 1);
