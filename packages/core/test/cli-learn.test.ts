import { spawn as spawnChild } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOBODY, nobodyPath, sharedTempDir } from '@exile/test-utils';
import type { Policy } from '../src/index.js';

const cli = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
type User = 'current' | 'nobody';
const argv = (user: User, args: string[]): [string, string[]] => (user === 'nobody'
  ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, nobodyPath(cli), ...args]]
  : [process.execPath, [cli, ...args]]);
/** Asynchronous: the test's own TCP server must keep serving while the CLI runs. */
function exile(user: User, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return exileWith(user, process.env, args);
}

function exileWith(user: User, env: NodeJS.ProcessEnv, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawnChild(...argv(user, args), { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, cwd: tmpdir(), env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

/** The fixture's one TCP peer: says hello and hangs up. */
const server = createServer((socket) => socket.end('hello\n'));
let port = 0;
beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  ({ port } = server.address() as AddressInfo);
});
afterAll(() => { server.close(); });

/** A fixture tree: two of three inputs read, an output directory, a canary next to them. */
function fixture(): { dir: string; script: string } {
  const dir = sharedTempDir('exile-learn-');
  for (const sub of ['in', 'out', 'canary']) {
    mkdirSync(join(dir, sub));
    chmodSync(join(dir, sub), 0o777);
  }
  for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, 'in', `${name}.txt`), `${name}\n`, { mode: 0o644 });
  writeFileSync(join(dir, 'canary', 'secret.txt'), 'canary\n', { mode: 0o644 });
  // Reads two inputs, creates a file, talks TCP to one port, takes a lock (flock: a vow of its own).
  const script = `cat ${dir}/in/a.txt ${dir}/in/b.txt > ${dir}/out/result.txt && exec 3<>/dev/tcp/127.0.0.1/PORT && head -n1 <&3 && flock ${dir}/out/result.txt true`;
  return { dir, script };
}

const everyPath = (policy: Policy): string[] => (policy.fs === false || policy.fs === undefined ? [] : [...(policy.fs.read ?? []), ...(policy.fs.write ?? []), ...(policy.fs.exec ?? [])]);

describe.each<User>(['current', 'nobody'])('exile learn as %s', (user) => {
  it('learns exactly what the fixture touched: it runs under the result, a canary path and a canary syscall stay denied', async () => {
    const { dir, script } = fixture();
    const run = script.replace('PORT', String(port));
    const out = join(dir, 'p.json');
    const learned = await exile(user, 'learn', '--out', out, '--', '/bin/bash', '-c', run);
    expect([learned.status, learned.stdout]).toEqual([0, 'hello\n']);
    const policy = JSON.parse(readFileSync(out, 'utf8')) as Policy;
    const paths = everyPath(policy);
    expect(paths).not.toContain('/');
    expect(paths.some((p) => p === homedir() || p === '/root' || p === '/home')).toBe(false);
    expect(policy.fs).toMatchObject({ write: expect.arrayContaining([join(dir, 'out')]) as unknown });
    expect(paths.some((p) => join(dir, 'in', 'a.txt').startsWith(p))).toBe(true);
    expect(paths.some((p) => join(dir, 'canary', 'secret.txt').startsWith(p))).toBe(false);
    expect(policy.net).toEqual({ connect: [port] });
    expect(String(policy.vows).split(' ')).toEqual(expect.arrayContaining(['stdio', 'rpath', 'wpath', 'cpath', 'flock', 'inet', 'exec']));
    expect(String(policy.vows)).not.toMatch(/fattr|tmppath|dns/);

    // The same run under the learned policy, enforced.
    const again = await exile(user, 'run', '--policy', out, '--', '/bin/bash', '-c', run);
    expect([again.status, again.stdout]).toEqual([0, 'hello\n']);
    expect(readFileSync(join(dir, 'out', 'result.txt'), 'utf8')).toBe('a\nb\n');
    // The canary path: Landlock refuses it.
    const canary = await exile(user, 'run', '--policy', out, '--', '/bin/cat', join(dir, 'canary', 'secret.txt'));
    expect(canary.status).not.toBe(0);
    expect(canary.stderr).toContain('Permission denied');
    // The canary syscall: chmod needs "fattr", which the run never used: the vows kill it (SIGSYS).
    expect((await exile(user, 'run', '--policy', out, '--', '/bin/chmod', '600', join(dir, 'out', 'result.txt'))).status).toBe(128 + 31);
    // Another port stays closed.
    const other = await exile(user, 'run', '--policy', out, '--', '/bin/bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port === 1 ? 2 : port - 1}`);
    expect(other.status).not.toBe(0);
  });

  it('--verify re-runs under the learned policy and passes', async () => {
    const { dir, script } = fixture();
    const r = await exile(user, 'learn', '--verify', '--out', join(dir, 'p.json'), '--', '/bin/bash', '-c', script.replace('PORT', String(port)));
    expect([r.status, r.stdout]).toEqual([0, 'hello\nhello\n']);
  });

  it('--verify fails when the second run needs one more path, naming the path and the flag', async () => {
    const { dir } = fixture();
    mkdirSync(join(dir, 'extra'));
    writeFileSync(join(dir, 'extra', 'x.txt'), 'x\n', { mode: 0o644 });
    chmodSync(join(dir, 'extra'), 0o755);
    // The first run reads in/a.txt and leaves a marker; the second (the verification) reads extra/x.txt.
    const script = `if [ -e ${dir}/out/marker ]; then cat ${dir}/extra/x.txt; else cat ${dir}/in/a.txt; touch ${dir}/out/marker; fi`;
    const r = await exile(user, 'learn', '--verify', '--out', join(dir, 'p.json'), '--', '/bin/sh', '-c', script);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('a\n');
    expect(r.stderr).toContain(`exile learn: --verify: /bin/sh: read ${dir}/extra/x.txt: add --ro ${dir}/extra/x.txt`);
    expect(r.stderr).toContain(`${dir}/extra/x.txt: Permission denied`);
  });

  it('--verify fails when the second run makes a call no learned vow allows, naming the vow to add', async () => {
    const { dir } = fixture();
    // The verification makes a FIFO (mknodat: the "dpath" vow), which the first run never did.
    const script = `if [ -e ${dir}/out/marker ]; then mkfifo ${dir}/out/fifo; else cat ${dir}/in/a.txt; touch ${dir}/out/marker; fi`;
    const r = await exile(user, 'learn', '--verify', '--out', join(dir, 'p.json'), '--', '/bin/sh', '-c', script);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`exile learn: --verify: /bin/sh: mknodat("${dir}/out/fifo") blocked by vows; add "dpath" to allow\n`);
    expect(r.stderr).toContain('exile learn: --verify: /bin/sh exited 159 under the learned policy, 0 while learning');
  });

  it('--verify: the netlink socket a learned "net": false refuses by design (warned) is no gap, still refused; one the learning run never opened is', async () => {
    const { dir } = fixture();
    const netlink = `import socket
try:
    socket.socket(socket.AF_NETLINK, socket.SOCK_RAW).close()
    print('created')
except OSError as e:
    print(e.errno)`;
    const line = 'socket(AF_NETLINK, SOCK_RAW) blocked by the network policy (--no-net); drop --no-net ("net": false) to allow it: only TCP can be limited to ports';
    const learned = await exile(user, 'learn', '--verify', '--out', join(dir, 'p.json'), '--', '/usr/bin/python3', '-c', netlink);
    // Created while learning, refused (EAFNOSUPPORT) under the learned policy; the run ends the same.
    expect([learned.status, learned.stdout]).toEqual([0, 'created\n97\n']);
    expect(learned.stderr).toContain('exile learn: warning: the run opened a netlink socket');
    expect(learned.stderr).toContain(`exile learn: --verify: /usr/bin/python3: ${line} (as learned: see the warning above)\n`);
    // Only the verification opens one: a gap, exit 1.
    const script = `if [ -e ${dir}/out/marker ]; then /usr/bin/python3 -c "${netlink.replace(/"/g, '\\"')}"; else touch ${dir}/out/marker; fi`;
    const late = await exile(user, 'learn', '--verify', '--out', join(dir, 'q.json'), '--', '/bin/sh', '-c', script);
    expect(late.status).toBe(1);
    expect(late.stderr).not.toContain('a netlink socket');
    expect(late.stderr).toContain(`exile learn: --verify: /bin/sh: ${line}\n`);
  });

  it('--verify: listing / (never granted, warned) refused again is no gap when the run ends the same; a run that needed it fails verification', async () => {
    const { dir } = fixture();
    const tolerant = await exile(user, 'learn', '--verify', '--out', join(dir, 'p.json'), '--', '/bin/sh', '-c', 'ls / >/dev/null 2>&1; echo done');
    expect([tolerant.status, tolerant.stdout]).toEqual([0, 'done\ndone\n']);
    expect(tolerant.stderr).toContain('exile learn: warning: listing / would need read access to all of it, which exile learn never grants: left out\n');
    expect(tolerant.stderr).toContain('exile learn: --verify: /bin/sh: list /: add --ro / (as learned: see the warning above)\n');
    const needed = await exile(user, 'learn', '--verify', '--out', join(dir, 'q.json'), '--', '/bin/ls', '/');
    expect(needed.status).toBe(1);
    expect(needed.stderr).toContain('exile learn: --verify: /bin/ls exited 2 under the learned policy, 0 while learning\n');
  });

  it('--format flags prints the exile run command line, which works', async () => {
    const { dir } = fixture();
    const r = await exile(user, 'learn', '--format', 'flags', '--', '/bin/cat', join(dir, 'in', 'a.txt'));
    expect(r.status).toBe(0);
    const line = r.stdout.trim().split('\n').pop()!;
    expect(line).toMatch(new RegExp(`^exile run .*--ro ${join(dir, 'in', 'a.txt')} .*--no-net --vows '[a-z ]+' -- /bin/cat ${join(dir, 'in', 'a.txt')}$`));
    const words = line.split(' ').slice(2).map((w) => w.replace(/^'|'$/g, ''));
    const vows = line.match(/--vows '([^']+)'/)![1]!;
    const flags = line.replace(/--vows '[^']+'/, '--vows VOWS').split(' ').slice(2).map((w) => (w === 'VOWS' ? vows : w));
    expect(words.length).toBeGreaterThan(4);
    const again = await exile(user, 'run', ...flags);
    expect([again.status, again.stdout]).toEqual([0, 'a\n']);
  });

  it('--format flags carries what has no vow or path flag: a tree that runs what it wrote, a call no vow allows; the printed line works, less either flag it does not', async () => {
    const dir = sharedTempDir('exile-learn-flags-');
    chmodSync(dir, 0o777);
    // ptrace(PTRACE_PEEKDATA, 1, 0): a call no vow allows; it fails (-1) either way, harmlessly.
    const job = "cp /bin/true ./t && ./t && /usr/bin/python3 -c 'import ctypes; print(ctypes.CDLL(None).syscall(101, 2, 1, 0, 0))'";
    const sh = (line: string) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const script = `exile() { "${process.execPath}" "${user === 'nobody' ? nobodyPath(cli) : cli}" "$@"; }\ncd ${dir} && rm -f t && ${line}`;
      const [command, args]: [string, string[]] = user === 'nobody'
        ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '/bin/sh', '-c', script]]
        : ['/bin/sh', ['-c', script]];
      const child = spawnChild(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    const learned = await sh(`exile learn --format flags --out ${dir}/flags.txt -- sh -c "${job}"`);
    expect(learned.status).toBe(0);
    expect(learned.stderr).not.toMatch(/cannot carry/);
    const line = readFileSync(join(dir, 'flags.txt'), 'utf8').trim();
    expect(line).toMatch(/ --allow-write-exec /);
    const rule = '{"syscall":"ptrace","action":"allow","args":[{"index":0,"op":"eq","value":2,"width":32}]}';
    expect(line).toContain(` --syscall '${rule}' `);
    expect(await sh(line)).toEqual({ status: 0, stdout: '-1\n', stderr: '' });
    // Less --allow-write-exec: refused before anything runs, naming the flag.
    const writeExec = await sh(line.replace(' --allow-write-exec', ''));
    expect(writeExec.status).toBe(125);
    expect(writeExec.stderr).toMatch(/\(exile run: --allow-write-exec\) to accept it/);
    // Less the rule: killed at the call, the line naming the --syscall to add.
    const noRule = await sh(line.replace(` --syscall '${rule}'`, ''));
    expect(noRule.status).not.toBe(0);
    expect(noRule.stderr).toMatch(/^exile: python3\[\d+\]: ptrace\(2, 1\) blocked by vows; no vow allows it; add --syscall '(.*)' \(a syscalls rule\) to allow$/m);
    expect(noRule.stderr).toContain(`add --syscall '${rule}' (a syscalls rule)`);
  });

  it('a UNIX socket the run binds and sends to: its directory writable and in fs.sockets; the policy runs it again', async () => {
    const dir = sharedTempDir('exile-learn-sock-');
    chmodSync(dir, 0o777);
    const py = `import socket
path = '${dir}/d.sock'
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'hi', path)
print(s.recv(9).decode())`;
    const r = await exile(user, 'learn', '--out', join(dir, 'p.json'), '--', '/usr/bin/python3', '-I', '-c', py);
    expect([r.status, r.stdout]).toEqual([0, 'hi\n']);
    const policy = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')) as Policy;
    expect(policy.fs).toMatchObject({ write: [dir], sockets: [dir] });
    rmSync(join(dir, 'd.sock'));
    const again = await exile(user, 'run', '--policy', join(dir, 'p.json'), '--', '/usr/bin/python3', '-I', '-c', py);
    expect([again.status, again.stdout, again.stderr]).toEqual([0, 'hi\n', '']);
  });

  it('an installed package is granted whole, node_modules when most of its packages were loaded; an unloaded package and the project\'s other files stay denied', async () => {
    const dir = sharedTempDir('exile-learn-');
    const pkg = (name: string) => {
      mkdirSync(join(dir, 'node_modules', name), { recursive: true });
      writeFileSync(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, main: 'index.js' }), { mode: 0o644 });
      writeFileSync(join(dir, 'node_modules', name, 'index.js'), `module.exports = '${name}';`, { mode: 0o644 });
      for (const doc of ['README.md', 'LICENSE', 'HISTORY.md']) writeFileSync(join(dir, 'node_modules', name, doc), `${doc}\n`, { mode: 0o644 });
    };
    for (const name of ['a', 'b', '@s/c', 'd', 'e']) pkg(name);
    writeFileSync(join(dir, 'canary.txt'), 'canary\n', { mode: 0o644 });
    const app = (names: string[]) => `console.log(${names.map((n) => `require('${n}')`).join(' + ')})`;
    const learn = async (names: string[], out: string) => {
      writeFileSync(join(dir, 'app.js'), app(names), { mode: 0o644 });
      const r = await exile(user, 'learn', '--out', out, '--', process.execPath, join(dir, 'app.js'));
      expect([r.status, r.stdout]).toEqual([0, `${names.join('')}\n`]);
      return JSON.parse(readFileSync(out, 'utf8')) as Policy;
    };
    // Two of five packages: each package whole (its README was never read), not node_modules.
    const two = await learn(['a', '@s/c'], join(dir, 'two.json'));
    expect(everyPath(two).filter((p) => p.includes('node_modules'))).toEqual([join(dir, 'node_modules', '@s', 'c'), join(dir, 'node_modules', 'a')]);
    const run = (policy: string, ...cmd: string[]) => exile(user, 'run', '--policy', join(dir, policy), '--', ...cmd);
    expect([(await run('two.json', process.execPath, join(dir, 'app.js'))).stdout]).toEqual(['a@s/c\n']);
    expect((await run('two.json', '/bin/cat', join(dir, 'node_modules', 'a', 'README.md'))).stdout).toBe('README.md\n');
    const unloaded = await run('two.json', '/bin/cat', join(dir, 'node_modules', 'd', 'index.js'));
    expect([unloaded.status, unloaded.stderr]).toEqual([1, expect.stringContaining('Permission denied') as unknown]);
    // Three of five: node_modules whole; the project's other files still not.
    const three = await learn(['a', 'b', 'e'], join(dir, 'three.json'));
    expect(everyPath(three).filter((p) => p.includes('node_modules'))).toEqual([join(dir, 'node_modules')]);
    expect((await run('three.json', process.execPath, join(dir, 'app.js'))).stdout).toBe('abe\n');
    expect((await run('three.json', '/bin/cat', join(dir, 'node_modules', 'd', 'index.js'))).stdout).toBe("module.exports = 'd';");
    const canary = await run('three.json', '/bin/cat', join(dir, 'canary.txt'));
    expect([canary.status, canary.stderr]).toEqual([1, expect.stringContaining('Permission denied') as unknown]);
  });

  it('a directory the run made in its home and left there (~/.tool) is granted itself, not the home: the policy runs it again; the rest of the home stays denied', async () => {
    const dir = sharedTempDir('exile-learn-');
    const home = join(dir, 'home');
    mkdirSync(home);
    chmodSync(home, 0o777);
    writeFileSync(join(home, 'notes.txt'), 'notes\n', { mode: 0o644 });
    const env = { ...process.env, HOME: home };
    const tool = 'mkdir -p "$HOME/.tool/logs" && date > "$HOME/.tool/logs/run.log" && echo ok';
    const out = join(dir, 'p.json');
    const learned = await exileWith(user, env, ['learn', '--out', out, '--', '/bin/sh', '-c', tool]);
    expect([learned.status, learned.stdout]).toEqual([0, 'ok\n']);
    expect(learned.stderr).not.toContain('never grants');
    const policy = JSON.parse(readFileSync(out, 'utf8')) as Policy;
    expect(policy.fs).toMatchObject({ write: [join(home, '.tool')] });
    expect(everyPath(policy)).not.toContain(home);
    expect((await exileWith(user, env, ['run', '--policy', out, '--', '/bin/sh', '-c', tool])).stdout).toBe('ok\n');
    for (const cmd of [`echo x > "$HOME/new.txt"`, 'cat "$HOME/notes.txt"']) {
      const denied = await exileWith(user, env, ['run', '--policy', out, '--', '/bin/sh', '-c', cmd]);
      expect(denied.status).not.toBe(0);
      expect(denied.stderr).toContain('Permission denied');
    }
  });

  it('--merge unions with an earlier result', async () => {
    const { dir } = fixture();
    const first = join(dir, 'p1.json');
    expect((await exile(user, 'learn', '--out', first, '--', '/bin/cat', join(dir, 'in', 'a.txt'))).status).toBe(0);
    const merged = join(dir, 'p2.json');
    expect((await exile(user, 'learn', '--merge', first, '--out', merged, '--', '/bin/ls', join(dir, 'canary'))).status).toBe(0);
    const policy = JSON.parse(readFileSync(merged, 'utf8')) as Policy;
    expect(everyPath(policy)).toEqual(expect.arrayContaining([join(dir, 'in', 'a.txt'), join(dir, 'canary')]));
    expect((await exile(user, 'run', '--policy', merged, '--', '/bin/cat', join(dir, 'in', 'a.txt'))).stdout).toBe('a\n');
    expect((await exile(user, 'run', '--policy', merged, '--', '/bin/ls', join(dir, 'canary'))).stdout).toBe('secret.txt\n');
  });

  it('--format oci writes an OCI seccomp profile of the learned vows', async () => {
    const { dir } = fixture();
    const r = await exile(user, 'learn', '--format', 'oci', '--', '/bin/cat', join(dir, 'in', 'a.txt'));
    expect(r.status).toBe(0);
    const profile = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { defaultAction: string; syscalls: { names: string[] }[] };
    expect(profile.defaultAction).toBe('SCMP_ACT_ERRNO');
    const names = profile.syscalls.flatMap((s) => s.names);
    expect(names).toEqual(expect.arrayContaining(['read', 'openat', 'execve']));
    expect(names).not.toContain('ptrace');
  });

  it('bad input: no command is a usage error (2); an unwritable --out is 125 and runs nothing', async () => {
    const none = await exile(user, 'learn');
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('usage: exile learn');
    const { dir } = fixture();
    const marker = join(dir, 'out', 'ran');
    const bad = await exile(user, 'learn', '--out', '/proc/no/such/p.json', '--', '/bin/touch', marker);
    expect(bad.status).toBe(125);
    expect(bad.stderr).toContain('cannot write --out /proc/no/such/p.json');
    expect(existsSync(marker)).toBe(false);
  });

  it('a program that never exits: SIGINT (Ctrl-C) still writes what was learned so far', async () => {
    const { dir } = fixture();
    const out = join(dir, 'p.json');
    const child = spawnChild(...argv(user, ['learn', '--out', out, '--', '/bin/sh', '-c', `cat ${dir}/in/a.txt; exec sleep 1000`]), { stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (stdout.includes('a\n')) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status).toBe(128 + 15);
    const policy = JSON.parse(readFileSync(out, 'utf8')) as Policy;
    expect(everyPath(policy)).toContain(join(dir, 'in', 'a.txt'));
  });
});
