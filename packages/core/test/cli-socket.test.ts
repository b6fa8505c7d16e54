import { chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abi } from '@exile/landlock';
import { sharedTempDir } from '@exile/test-utils';
import { exileAs, type User } from './exile-cli.js';

// `--socket` (fs.sockets): a pathname UNIX socket the program may connect to. Landlock restricts
// them from ABI 9; below, the mount-namespace view (EXILE_LANDLOCK_ABI_MAX=0) holds only the
// sockets named. A listening socket completes connect() from its backlog, so this process's
// server needs no event loop while the client runs.

const dir = sharedTempDir('exile-socket-');
const path = join(dir, 's.sock');
let server: Server;
beforeAll(() => new Promise<void>((ready) => {
  server = createServer((c) => c.destroy()).listen(path, () => {
    chmodSync(path, 0o777);
    ready();
  });
}));
afterAll(() => new Promise<void>((done) => server.close(() => done())));

const CLIENT = `import socket,errno
s=socket.socket(socket.AF_UNIX)
try:
  s.connect(${JSON.stringify(path)});print("connected")
except OSError as e: print(errno.errorcode[e.errno])`;
const connect = (user: User, flags: string[], env: NodeJS.ProcessEnv = process.env) =>
  exileAs(user, ['run', '--profile', 'python', ...flags, '--', '/usr/bin/python3', '-I', '-c', CLIENT], { env });

describe.each<User>(['current', 'nobody'])('exile run --socket (%s)', (user) => {
  it('in the mount-namespace view (no Landlock): only a named socket is there to connect to', () => {
    const view = { ...process.env, EXILE_LANDLOCK_ABI_MAX: '0' };
    expect(connect(user, ['--socket', path], view).stdout).toBe('connected\n');
    expect(connect(user, ['--socket', dir], view).stdout).toBe('connected\n');
    expect(connect(user, [], view).stdout).toBe('ENOENT\n');
  });

  it.runIf(abi().abi >= 9)('Landlock ABI 9: a socket outside fs.sockets is refused and named with --socket; named, it connects', () => {
    const denied = connect(user, ['--diagnose']);
    expect(denied.stdout).toBe('EACCES\n');
    expect(denied.stderr).toContain(`connect to the socket ${path} denied by the file-system policy; add --socket ${path}`);
    expect(connect(user, ['--socket', path]).stdout).toBe('connected\n');
  });

  it('a socket path that does not exist is refused before anything runs, naming its place in the policy', () => {
    const r = connect(user, ['--socket', join(dir, 'missing.sock')]);
    expect(r.status).toBe(125);
    expect(r.stderr).toContain('$.fs.sockets[0]');
  });
});
