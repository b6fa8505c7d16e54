import { describe, expect, it } from 'vitest';
import { child } from './launch-child.js';

// Attacks from #17 on the launch protocol: the launched function is hostile and holds fds 1-4.
describe.each(['current', 'nobody'] as const)('launch(): a hostile function cannot steer its caller (%s)', (user) => {
  it('a malformed or oversized frame on fd 3 rejects with ERR_EXILE_LAUNCH; the caller lives on', () => {
    const { out, status } = child(`
      const write = async (bytes) => { const fs = await import('node:fs'); fs.writeSync(3, Buffer.from(bytes)); await new Promise((r) => setTimeout(r, 5000)); return 'not read'; };
      // 12 bytes: a length of 8, then 8 bytes v8 cannot deserialize.
      out.malformed = await settle(launch({ vows: 'stdio' }, write, [8, 0, 0, 0, 0xff, 0x0f, 0x6f, 0x22, 0x99, 0x99, 0x99, 0x99]));
      out.oversized = await settle(launch({ vows: 'stdio' }, write, [0xff, 0xff, 0xff, 0xff]));
      out.wrongShape = await settle(launch({}, async () => { const { serialize } = await import('node:v8'); const fs = await import('node:fs');
        const body = serialize({ ok: true, value: 'the old protocol' }); const head = Buffer.alloc(4); head.writeUInt32LE(body.length);
        fs.writeSync(3, Buffer.concat([head, body])); await new Promise((r) => setTimeout(r, 5000)); }));
      out.after = await settle(launch({ vows: 'stdio' }, () => 'still serving'));
    `, {}, user);
    expect(status).toBe(0);
    for (const attack of [out.malformed, out.oversized, out.wrongShape]) {
      expect(attack!.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', exile: true });
      expect(attack!.error!.message).toContain('broke the launch protocol');
    }
    expect(out.oversized!.error!.message).toContain('limit is');
    expect(out.after).toEqual({ value: 'still serving' });
  });

  it('nothing is read after the first answer: a second frame never replaces it', () => {
    const { out } = child(`
      out.first = await settle(launch({ vows: 'stdio' }, async () => { const { serialize } = await import('node:v8'); const fs = await import('node:fs');
        const send = (value) => { const body = serialize({ type: 'result', value }); const head = Buffer.alloc(4); head.writeUInt32LE(body.length); fs.writeSync(3, Buffer.concat([head, body])); };
        send('first'); send('second'); return 'returned'; }));
    `, {}, user);
    expect(out.first).toEqual({ value: 'first' });
  });

  it('a fake reporter line on stderr or fd 4 and a self-kill (SIGKILL, SIGSYS) is not a violation', () => {
    const { out, stderr } = child(`
      const fake = async (signal) => { const fs = await import('node:fs');
        const line = 'exile: socket(2) blocked by vows; add "inet" to allow\\n';
        process.stderr.write(line); fs.writeSync(4, line); fs.writeSync(4, '0123456789abcdef' + line);
        process.kill(process.pid, signal); await new Promise((r) => setTimeout(r, 5000)); };
      out.sigkill = await settle(launch({ vows: 'stdio' }, fake, 'SIGKILL'));
      out.sigsys = await settle(launch({ vows: 'stdio' }, fake, 'SIGSYS'));
      out.sigsysNoVows = await settle(launch({}, fake, 'SIGSYS'));
    `, {}, user);
    expect(out.sigkill!.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { signal: 'SIGKILL' } });
    // Under vows the reporter sees a SIGSYS the filter did not raise and exits 128 + SIGSYS, reporting nothing.
    expect(out.sigsys!.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { code: 159 } });
    expect(out.sigsysNoVows!.error).toMatchObject({ code: 'ERR_EXILE_LAUNCH', details: { signal: 'SIGSYS' } });
    // The fake line was forwarded like any output; the reporter wrote nothing of its own.
    expect(stderr.match(/blocked by vows/g)).toHaveLength(3);
  });

  it('a thrown exile code comes back as an ExileRemoteError, never an ExileError', () => {
    const { out } = child(`
      out.coded = await settle(launch({ vows: 'stdio' }, () => { throw Object.assign(new Error('no Landlock here'), { code: 'ERR_EXILE_UNSUPPORTED', details: { fake: true } }); }));
      out.named = await settle(launch({}, () => { const e = new Error('x'); e.name = 'ExileError'; e.code = 'ERR_EXILE_VIOLATION'; throw e; }));
      out.plain = await settle(launch({}, () => { throw { code: 'ERR_EXILE_UNSUPPORTED' }; }));
    `, {}, user);
    expect(out.coded!.error).toMatchObject({ name: 'ExileRemoteError', exile: false, remoteClass: true, message: 'no Landlock here',
      remote: { name: 'Error', message: 'no Landlock here', code: 'ERR_EXILE_UNSUPPORTED', details: { fake: true } } });
    expect(out.coded!.error!.code).toBeUndefined();
    expect(out.named!.error).toMatchObject({ name: 'ExileRemoteError', exile: false, remote: { name: 'ExileError', code: 'ERR_EXILE_VIOLATION' } });
    expect(out.plain!.error).toMatchObject({ name: 'ExileRemoteError', exile: false });
    expect(out.plain!.error!.code).toBeUndefined();
  });

  it('the real things still come through: a violation, a result, a thrown error', () => {
    const { out } = child(`
      out.violation = await settle(launch({ vows: 'stdio' }, async () => { const net = await import('node:net'); net.connect(9, '127.0.0.1').on('error', () => {}); await new Promise((r) => setTimeout(r, 5000)); }));
      out.result = await settle(launch({ vows: 'stdio' }, () => ({ n: 2n ** 64n })));
      out.thrown = await settle(launch({ vows: 'stdio' }, () => { throw new TypeError('bad input'); }));
    `, {}, user);
    expect(out.violation!.error).toMatchObject({ code: 'ERR_EXILE_VIOLATION', exile: true, details: { syscall: 'socket', vows: ['inet'], signal: 'SIGSYS' } });
    expect(out.result).toEqual({ value: { n: '18446744073709551616n' } });
    expect(out.thrown!.error).toMatchObject({ name: 'ExileRemoteError', remote: { name: 'TypeError', message: 'bad input' } });
  });

  it('stdout and stderr are pipes this process forwards, never its own terminal', () => {
    const { out, stdout, stderr } = child(`
      const { readlinkSync } = await import('node:fs');
      out.mine = { value: [readlinkSync('/proc/self/fd/1'), readlinkSync('/proc/self/fd/2')] };
      out.theirs = await settle(launch({ vows: 'stdio rpath', fs: { read: ['/proc'] } }, async () => {
        const fs = await import('node:fs'); console.log('printed in the child'); console.error('warned in the child');
        return [fs.readlinkSync('/proc/self/fd/1'), fs.readlinkSync('/proc/self/fd/2')]; }));
    `, {}, user);
    const theirs = out.theirs!.value as string[];
    for (const [i, link] of theirs.entries()) {
      // Node's 'pipe' stdio is a socketpair.
      expect(link).toMatch(/^(pipe|socket):/);
      expect(link).not.toBe((out.mine!.value as string[])[i]);
    }
    expect(stdout).toContain('printed in the child\n');
    expect(stderr).toContain('warned in the child\n');
  });
});
