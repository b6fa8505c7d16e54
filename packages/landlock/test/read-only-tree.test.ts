import { describe, expect, it } from 'vitest';
import { USERS, child } from './child.js';

/** The same operations as fsOps, as shell commands (run by a shell spawned after restrict()). */
const SHELL_OPS = `
d=$1; t=shell
r() { name=$1; shift; if out=$("$@" 2>&1); then echo "$name=ok"; else echo "$name=$out"; fi; }
r read cat "$d/file"
r list ls "$d"
r write sh -c 'echo changed > "$1"' _ "$d/file"
r create sh -c 'echo x > "$1"' _ "$d/new-$t"
r unlink rm "$d/del-$t"
r mkdir mkdir "$d/dir-$t"
r rmdir rmdir "$d/sub-$t"
r rename mv "$d/mv-$t" "$d/mv-$t-2"
r truncate truncate -s 0 "$d/file"
r symlink ln -s file "$d/ln-$t"
`;

/**
 * Prepares ro/ and rw/, starts a worker, warms the libuv pool (so its threads exist before the
 * restriction), restricts (unless `control`), then runs every operation on both trees through
 * every channel.
 */
export const body = (control: boolean): string => `
const ro = dir + '/ro', rw = dir + '/rw';
const channels = ['sync', 'pool', 'promises', 'worker-sync', 'worker-pool', 'shell'];
for (const d of [ro, rw]) for (const tag of channels) prepareOps(d, tag);
const worker = await startWorker(\`
  parentPort.postMessage('ready');
  parentPort.on('message', async (d) => parentPort.postMessage({
    sync: await runOps(flavours.sync, d, 'worker-sync'), pool: await runOps(flavours.pool, d, 'worker-pool') }));
\`);
await fs.promises.readFile('/proc/self/stat');
const before = taskCount();
const statusFds = openThreadStatus();
const status = ${control ? 'null' : "restrict({ fs: { read: [ro, rw], write: [rw], exec: ['/usr'] } })"};
const shellScript = ${JSON.stringify(SHELL_OPS)};
const result = {};
for (const d of [ro, rw]) {
  const fromWorker = await ask(worker, d);
  const shell = spawnSync('/bin/sh', ['-c', shellScript, 'sh', d], { encoding: 'utf8' });
  const shellOps = Object.fromEntries(shell.stdout.trim().split('\\n').map((line) => {
    const [name, ...rest] = line.split('=');
    const out = rest.join('=');
    return [name, out === 'ok' ? 'ok' : out.includes('Permission denied') ? 'EACCES' : out];
  }));
  result[d === ro ? 'ro' : 'rw'] = {
    sync: await runOps(flavours.sync, d, 'sync'), pool: await runOps(flavours.pool, d, 'pool'),
    promises: await runOps(flavours.promises, d, 'promises'),
    'worker-sync': fromWorker.sync, 'worker-pool': fromWorker.pool, shell: shellOps,
    survivors: Object.fromEntries(channels.map((tag) => [tag, survivors(d, tag)])),
  };
}
const nnp = nnpEverywhere(statusFds);
await worker.terminate();
print({ status, before, nnp, result });
`;

const CHANNELS = ['sync', 'pool', 'promises', 'worker-sync', 'worker-pool', 'shell'] as const;
const OPS = ['read', 'list', 'write', 'create', 'unlink', 'mkdir', 'rmdir', 'rename', 'truncate', 'symlink'];
const allOk = Object.fromEntries(OPS.map((op) => [op, 'ok']));
const readOnly = Object.fromEntries(OPS.map((op) => [op, op === 'read' || op === 'list' ? 'ok' : 'EACCES']));

interface Result {
  status: { enforced: string; mechanism: string; threads: number; handled: { fs: string[] } } | null;
  before: number;
  nnp: boolean;
  result: Record<'ro' | 'rw', Record<string, unknown> & { survivors: Record<string, unknown> }>;
}

describe.each(USERS)('read-only tree (as %s)', (user) => {
  it('control: without restrict() every operation works in both trees (the fixture is sound)', () => {
    const { result } = child<Result>(body(true), { user });
    for (const tree of ['ro', 'rw'] as const) {
      for (const channel of CHANNELS) expect(result[tree][channel], `${tree} ${channel}`).toEqual(allOk);
    }
  });

  it('reading works and every write fails with EACCES through sync, pool, promises, a worker and a shell', () => {
    const { status, before, nnp, result } = child<Result>(body(false), { user });
    expect(status!.enforced).toBe('full');
    expect(status!.threads).toBeGreaterThanOrEqual(before);
    expect(status!.handled.fs).toContain('truncate');
    expect(nnp).toBe(true);
    for (const channel of CHANNELS) {
      expect(result.ro[channel], `ro ${channel}`).toEqual(readOnly);
      expect(result.rw[channel], `rw ${channel}`).toEqual(allOk);
      // The denied targets existed and are untouched: no denial passed for lack of a file.
      expect(result.ro.survivors[channel], `ro survivors ${channel}`).toEqual({ file: 'original', del: true, mv: true, sub: true, created: false });
    }
  });
});
