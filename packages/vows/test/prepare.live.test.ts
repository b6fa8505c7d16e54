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
