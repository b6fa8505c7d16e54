import { describe, expect, it } from 'vitest';
import { lastJson } from '@exile/test-utils';
import { child } from './live.js';

const SECCOMP = "fs.readFileSync('/proc/self/status', 'utf8').match(/^Seccomp:\\s+(\\d)/m)[1]";

describe('prepareVow(): vow() in two halves', () => {
  it('prepares without changing anything; install() puts the filter in force with the reporter', () => {
    const r = child(`
      const { prepareVow } = await import('@exile/vows');
      const out = {};
      out.bad = attempt(() => prepareVow('stdio flying'));
      const prepared = prepareVow('stdio rpath', { penalty: 'errno' });
      out.before = ${SECCOMP};
      out.length = prepared.program.length > 0;
      out.write = attempt(() => fs.writeFileSync(path.join(os.tmpdir(), 'exile-prepared-' + process.pid), 'x'));
      const report = prepared.install();
      out.after = ${SECCOMP};
      out.report = [report.vows, report.penalty, report.length === prepared.program.length, report.filters];
      out.writeAfter = attempt(() => fs.writeFileSync(path.join(os.tmpdir(), 'exile-prepared-' + process.pid), 'x'));
      done(out);
    `);
    expect(lastJson(r.stdout)).toEqual({
      bad: 'ERR_EXILE_UNKNOWN_VOW', before: '0', length: true, write: 'ok', after: '2',
      report: [['stdio', 'rpath'], 'errno', true, 1], writeAfter: 'EPERM',
    });
    expect(r.stderr).toBe('exile: openat(2) blocked by vows; add "wpath" and "cpath" to allow\n');
  });
});

describe.each([undefined, 'nobody'] as const)('prepareVow(): reused within a process (%s)', (user) => {
  it('the same vows and options give the same prepared filter; staged tables never describe the wrong filter', () => {
    const r = child(`
      const { prepareVow } = await import('@exile/vows');
      const out = {};
      const wide = prepareVow('stdio rpath wpath', { penalty: 'errno' });
      const narrow = prepareVow('stdio rpath', { penalty: 'errno' });
      out.same = [prepareVow('stdio rpath wpath', { penalty: 'errno' }) === wide, prepareVow(['stdio', 'RPATH'], { penalty: 'errno' }) === narrow];
      out.different = [prepareVow('stdio rpath', { penalty: 'kill' }) !== narrow, prepareVow('stdio rpath', { penalty: 'errno', pid: process.pid + 1 }) !== narrow];
      // narrow's table was staged last; wide installs first, so its own table must be the one in force
      // (its line asks for cpath alone), then narrow's (wpath and cpath).
      wide.install();
      out.mkdir = attempt(() => fs.mkdirSync(path.join(os.tmpdir(), 'exile-staged-' + process.pid)));
      narrow.install();
      out.write = attempt(() => fs.writeFileSync('/dev/null', 'x'));
      done(out);
    `, user === undefined ? {} : { user });
    expect(lastJson(r.stdout)).toEqual({ same: [true, true], different: [true, true], mkdir: 'EPERM', write: 'EPERM' });
    expect(r.stderr).toBe('exile: mkdir(2) blocked by vows; add "cpath" to allow\nexile: openat(2) blocked by vows; add "wpath" and "cpath" to allow\n');
  });
});

describe('installCompiled() from @exile/vows/install: a filter prepared for another process', () => {
  it('installs in the process it was compiled for, with the reporter; refuses any other pid', () => {
    const r = child(`
      const { prepareVow } = await import('@exile/vows');
      const { installCompiled } = await import('@exile/vows/install');
      const out = {};
      const forOther = prepareVow('stdio', { penalty: 'errno', pid: process.pid + 1 });
      out.otherInstall = attempt(() => forOther.install());
      out.otherCompiled = attempt(() => installCompiled(forOther.compiled));
      out.seccompBefore = ${SECCOMP};
      // Crossing a process boundary: a structured clone of the plain data.
      const mine = structuredClone(prepareVow('stdio rpath', { penalty: 'errno', pid: process.pid }).compiled);
      out.length = installCompiled(mine) > 0;
      out.seccomp = ${SECCOMP};
      out.mkdir = attempt(() => fs.mkdirSync(path.join(os.tmpdir(), 'exile-compiled-' + process.pid)));
      done(out);
    `);
    expect(lastJson(r.stdout)).toEqual({ otherInstall: 'ERR_EXILE_INVALID_POLICY', otherCompiled: 'ERR_EXILE_INVALID_POLICY', seccompBefore: '0', length: true, seccomp: '2', mkdir: 'EPERM' });
    expect(r.stderr).toBe('exile: mkdir(2) blocked by vows; add "cpath" to allow\n');
  });
});

describe.each([undefined, 'nobody'] as const)('installCompiled(): a filter compiled once for NO_PID (%s)', (user) => {
  it('installs in any process, naming that process in its self-signal rules and its reporter', () => {
    const r = child(`
      const { prepareVow, NO_PID } = await import('@exile/vows');
      const { installCompiled } = await import('@exile/vows/install');
      const out = {};
      // What a parent compiles once and sends to each child: plain data, no pid of its own.
      const compiled = structuredClone(prepareVow('stdio', { penalty: 'errno', pid: NO_PID }).compiled);
      out.length = installCompiled(compiled) > 0;
      out.self = attempt(() => process.kill(process.pid, 0));
      out.parent = attempt(() => process.kill(process.ppid, 0));
      done(out);
    `, { ...(user === undefined ? {} : { user }) });
    expect(lastJson(r.stdout)).toEqual({ length: true, self: true, parent: 'EPERM' });
    expect(r.stderr).toBe('exile: kill(2) blocked by vows; add "proc" to allow\n');
  });
});
