// Programs started under vows get what any program needs to start and run (@exile/vows'
// `runtime: 'program'`): real Node, CPython, a shell and a Go binary run under "stdio rpath", as
// root and as nobody, and what their vows do not allow still fails with the violation line.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goProgram, NOBODY, nobodyPath, sharedTempDir } from '@exile/test-utils';
import { CLI, exileAs, type User } from './exile-cli.js';

const exile = (user: User, args: string[], input?: string) => exileAs(user, args, { input });
const vows = (user: User, command: string[], input?: string) => exile(user, ['run', '--vows', 'stdio rpath', '--', ...command], input);
const result = (r: ReturnType<typeof exile>) => [r.status, r.stdout, r.stderr];

const node = process.execPath;
const python = '/usr/bin/python3';
const WORKER = 'const { Worker } = require("worker_threads"); new Worker("console.log(require(\\"crypto\\").randomBytes(4).length)", { eval: true })';
const PY_THREAD = 'import threading, hashlib; t = threading.Thread(target=lambda: print(len(hashlib.sha256(b"x").hexdigest()))); t.start(); t.join()';

describe.each<User>(['current', 'nobody'])('programs started under --vows "stdio rpath", as %s', (user) => {
  // name, how it runs a snippet, [a plain snippet, its output], [one starting a thread, its output], one opening a socket
  it.each<[string, string[], [string, string], [string, string], string]>([
    ['node', [node, '-e'], ['console.log(1)', '1\n'], [WORKER, '4\n'], 'require("net").connect(80, "127.0.0.1")'],
    ['python3', [python, '-c'], ['1', ''], [PY_THREAD, '64\n'], 'import socket; socket.socket()'],
  ])('%s starts, its threads run; a socket is refused by name', (name, run, [plain, plainOut], [threads, threadsOut], socket) => {
    expect(result(vows(user, [...run, plain]))).toEqual([0, plainOut, '']);
    expect(result(vows(user, [...run, threads]))).toEqual([0, threadsOut, '']);
    const net = vows(user, [...run, socket]);
    expect(net.status).toBe(128 + 31);
    expect(net.stderr).toMatch(new RegExp(`^exile: ${name}\\[\\d+\\]: socket\\(AF_INET, SOCK_STREAM\\) blocked by vows; add "inet" to allow$`, 'm'));
  });

  it('on a terminal: node restores its modes at exit, a bash script runs with or without tty; resizing the terminal is refused by name without', () => {
    const dir = sharedTempDir('exile-started-runtime-');
    writeFileSync(join(dir, 'ok.sh'), 'echo ok\n');
    // script(1) gives the whole run a terminal: node's stdio is a tty, as in a shell. Without $SHELL
    // (as under cron or CI) bash also looks its user up, and glibc first tries nscd's socket.
    const env = { ...process.env, SHELL: undefined };
    const onTerminal = (vowList: string, command: string) => {
      const [cmd, argv] = user === 'nobody' ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, nobodyPath(CLI)]] : [process.execPath, [CLI]];
      const line = [cmd, ...argv, 'run', '--vows', `'${vowList}'`, '--', command].join(' ');
      const r = spawnSync('script', ['-qec', line, '/dev/null'], { encoding: 'utf8', timeout: 60_000, cwd: tmpdir(), env });
      return [r.status, r.stdout.replace(/\r/g, '')];
    };
    expect(onTerminal('stdio rpath', `${node} -e 'console.log("tty " + process.stdout.isTTY)'`)).toEqual([0, 'tty true\n']);
    expect(onTerminal('stdio rpath tty', `/bin/bash ${join(dir, 'ok.sh')}`)).toEqual([0, 'ok\n']);
    // Without tty, bash's foreground-group query gets ENOTTY (as on a pipe) and the script runs;
    // resizing the terminal is refused by name.
    expect(onTerminal('stdio rpath', `/bin/bash ${join(dir, 'ok.sh')}`)).toEqual([0, 'ok\n']);
    const resize = `${python} -c 'import fcntl, termios, struct; fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))'`;
    expect(onTerminal('stdio rpath tty', resize)).toEqual([0, '']);
    const [status, output] = onTerminal('stdio rpath', resize);
    expect(status).toBe(128 + 31);
    expect(output).toMatch(/exile: python3\[\d+\]: ioctl\(0, 0x5414\) blocked by vows; add "tty" to allow/);
  });

  it('a user name look-up works without unix: glibc is refused nscd\'s socket with EACCES and reads /etc/passwd', () => {
    const name = user === 'nobody' ? 'nobody' : userInfo().username;
    expect(result(vows(user, ['/usr/bin/id', '-un']))).toEqual([0, `${name}\n`, '']);
  });

  it('sh and bash signal themselves; a fork is refused by name', () => {
    expect(result(vows(user, ['/bin/sh', '-c', 'kill -0 $$ && echo self']))).toEqual([0, 'self\n', '']);
    // stderr is a pipe here: bash's foreground-group query on it gets ENOTTY, as without exile.
    expect(result(vows(user, ['/bin/bash', '-c', 'kill -0 $$ && echo self']))).toEqual([0, 'self\n', '']);
    const fork = vows(user, ['/bin/sh', '-c', 'cat /etc/hostname | wc -c']);
    expect(fork.status).not.toBe(0);
    expect(fork.stderr).toMatch(/^exile: sh\[\d+\]: clone\(0x1200011\) blocked by vows; add "clone" to allow$/m);
  });

  it('a Go program (esbuild) starts its threads and transforms; writing a file is refused by name', () => {
    const esbuild = user === 'nobody' ? nobodyPath(goProgram()) : goProgram();
    expect(result(vows(user, [esbuild, '--loader=ts'], 'let x: number = 1\n'))).toEqual([0, 'let x = 1;\n', '']);
    const dir = sharedTempDir('exile-started-runtime-');
    writeFileSync(join(dir, 'in.ts'), 'let x: number = 1\n');
    const out = join(dir, 'out.js');
    const write = vows(user, [esbuild, join(dir, 'in.ts'), `--outfile=${out}`]);
    expect(write.status).not.toBe(0);
    expect(write.stderr).toMatch(new RegExp(`^exile: esbuild\\[\\d+\\]: openat\\("${out}"\\) blocked by vows; add "wpath" and "cpath" to allow$`, 'm'));
  });
});
