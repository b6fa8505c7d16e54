import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lastJson, nobodyPath, REPO_ROOT, runScript, sharedTempDir } from '@exile/test-utils';

/**
 * An install where @exile/threads has no addon, as on an architecture the engine does not build
 * for: its package, @exile/landlock's and @exile/caps' are copied without the threads prebuild or
 * source build; @exile/common is the real one (nobody's copy in the stage).
 */
function installWithoutEngine(): string {
  const dir = sharedTempDir('exile-no-engine-');
  const scope = join(dir, 'node_modules', '@exile');
  mkdirSync(scope, { recursive: true });
  for (const [name, parts] of [['threads', ['package.json', 'dist']], ['landlock', ['package.json', 'dist', 'prebuilds']], ['caps', ['package.json', 'dist', 'prebuilds']]] as const) {
    for (const part of parts) cpSync(join(REPO_ROOT, 'packages', name, part), join(scope, name, part), { recursive: true });
  }
  symlinkSync(nobodyPath(join(REPO_ROOT, 'packages', 'common')), join(scope, 'common'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  return dir;
}

const install = installWithoutEngine();

describe.each(['current', 'nobody'] as const)('without the threads engine, as %s', (user) => {
  it('@exile/landlock and @exile/caps load and work; only every-thread operations refuse, typed, with nothing applied', () => {
    const r = runScript(`import { readFileSync } from 'node:fs';
import * as landlock from '@exile/landlock';
import * as caps from '@exile/caps';
const attempt = (f) => { try { f(); return 'ok'; } catch (e) { return { code: e.code, what: e.details?.what, message: e.message }; } };
const capEff = () => /CapEff:\\s*(\\w+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1];
const before = capEff();
console.log(JSON.stringify({
  abi: landlock.abi().abi,
  compiled: landlock.compile({ fs: { read: ['/etc'] } }).ruleset.length > 0,
  recipe: caps.dropOpsBeforeExec({}, { userNamespace: true }).length > 0,
  read: caps.read().effective.length === 0 ? 'none' : 'some',
  restrict: attempt(() => landlock.restrict({ fs: { read: ['/usr'] } })),
  drop: attempt(() => caps.drop()),
  noNewPrivs: attempt(() => caps.noNewPrivs()),
  stillReads: readFileSync('/etc/hostname', 'utf8').length > 0,
  capsKept: capEff() === before,
  nnp: /NoNewPrivs:\\s*(\\d)/.exec(readFileSync('/proc/self/status', 'utf8'))[1],
}));
`, { from: pathToFileURL(join(install, 'x.mjs')).href, user });
    expect(r.stderr).toBe('');
    const out = lastJson<Record<string, unknown>>(r.stdout);
    expect(out).toMatchObject({ compiled: true, recipe: true, stillReads: true, capsKept: true, nnp: '0' });
    expect(out.read).toBe(user === 'nobody' ? 'none' : 'some');
    // This kernel has no Landlock TSYNC (the test would then restrict for real).
    expect(out.abi).toBeLessThan(8);
    for (const [call, what] of [['restrict', 'landlock: restricting every thread'], ['drop', 'on every thread'], ['noNewPrivs', 'no-new-privs on every thread']] as const) {
      expect(out[call], call).toMatchObject({ code: 'ERR_EXILE_UNSUPPORTED', what: 'threads-engine' });
      expect((out[call] as { message: string }).message).toContain(what);
      expect((out[call] as { message: string }).message).toContain('nothing was applied');
    }
  });
});
