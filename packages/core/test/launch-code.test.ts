import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { sharedTempDir } from '@exile/test-utils';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { child, packageWithSecret } from './launch-child.js';

/**
 * A module package as an app has one: code, a sibling .json, a CommonJS helper, a dependency in
 * node_modules and one linked from a store outside the package (pnpm's layout, with its own
 * dependency beside it) — and what must not leave it: `.env`, `key.pem`, notes, a dependency's `.env`.
 */
function appPackage(): { pkg: string; mod: string; store: string; secret: string } {
  const { pkg, secret } = packageWithSecret();
  const file = (path: string, content: string) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  };
  file(join(pkg, 'package.json'), JSON.stringify({ name: 'app', type: 'module', dependencies: { dep: '1', linked: '1' } }));
  file(join(pkg, '.env'), 'SECRET=1');
  file(join(pkg, 'key.pem'), '-----BEGIN PRIVATE KEY-----');
  file(join(pkg, 'notes.txt'), 'notes');
  file(join(pkg, 'data.json'), '{ "answer": 42 }');
  file(join(pkg, 'lib', 'helper.cjs'), 'module.exports = { mark: "!" };');
  file(join(pkg, 'node_modules', 'dep', 'package.json'), JSON.stringify({ name: 'dep', main: 'index.js' }));
  file(join(pkg, 'node_modules', 'dep', 'index.js'), 'module.exports = "dep loaded";');
  file(join(pkg, 'node_modules', 'dep', '.env'), 'DEP_SECRET=1');
  const store = join(pkg, '..', 'store', 'linked@1', 'node_modules');
  file(join(store, 'linked', 'package.json'), JSON.stringify({ name: 'linked', type: 'module', exports: './index.js', dependencies: { sub: '1' } }));
  file(join(store, 'linked', 'index.js'), 'import sub from "sub"; export default `linked loaded, ${sub}`;');
  file(join(store, 'sub', 'package.json'), JSON.stringify({ name: 'sub', type: 'module', exports: './index.js' }));
  file(join(store, 'sub', 'index.js'), 'export default "sub loaded";');
  symlinkSync(join(store, 'linked'), join(pkg, 'node_modules', 'linked'));
  const mod = join(pkg, 'task.js');
  file(mod, `import { readFileSync, readdirSync } from 'node:fs';
    import data from './data.json' with { type: 'json' };
    import helper from './lib/helper.cjs';
    import dep from 'dep';
    import linked from 'linked';
    const read = (path) => { try { readFileSync(new URL(path, import.meta.url)); return 'ok'; } catch (e) { return e.code; } };
    export function task(outside) {
      return {
        loaded: [data.answer, helper.mark, dep, linked],
        code: read('./task.js'), manifest: read('./package.json'), json: read('./data.json'), depCode: read('./node_modules/dep/index.js'),
        env: read('./.env'), key: read('./key.pem'), notes: read('./notes.txt'), depEnv: read('./node_modules/dep/.env'), outside: read(outside),
        listed: readdirSync(new URL('.', import.meta.url)).sort(),
      };
    }`);
  return { pkg, mod, store, secret };
}

const LOADED = [42, '!', 'dep loaded', 'linked loaded, sub loaded'];
const LISTED = ['.env', 'data.json', 'key.pem', 'lib', 'node_modules', 'notes.txt', 'package.json', 'task.js'];

describe.each(['current', 'nobody'] as const)("launch({ module }) reads only the module's code (%s)", (user) => {
  it('a .env, a key and notes beside the module are unreadable while its code, a sibling .json and its dependencies load', () => {
    const { mod, secret } = appPackage();
    const { out, stderr } = child(`
      out.denied = await settle(launch({ fs: false, vows: 'stdio rpath' }, { module: ${JSON.stringify(mod)}, export: 'task' }, ${JSON.stringify(secret)}));
      out.withRules = await settle(launch({ fs: { read: [${JSON.stringify(secret)}] }, vows: 'stdio rpath' }, { module: ${JSON.stringify(mod)}, export: 'task' }, ${JSON.stringify(secret)}));
      out.unrestricted = await settle(launch({ vows: 'stdio rpath' }, { module: ${JSON.stringify(mod)}, export: 'task' }, ${JSON.stringify(secret)}));
    `, {}, user);
    const code = { loaded: LOADED, code: 'ok', manifest: 'ok', json: 'ok', depCode: 'ok', listed: LISTED };
    expect(out.denied, stderr).toEqual({ value: { ...code, env: 'EACCES', key: 'EACCES', notes: 'EACCES', depEnv: 'EACCES', outside: 'EACCES' } });
    // fs rules add to the code; they do not bring the package's other files back.
    expect(out.withRules, stderr).toEqual({ value: { ...code, env: 'EACCES', key: 'EACCES', notes: 'EACCES', depEnv: 'EACCES', outside: 'ok' } });
    // The other side: without fs limits, the same function reads all of it.
    expect(out.unrestricted, stderr).toEqual({ value: { ...code, env: 'ok', key: 'ok', notes: 'ok', depEnv: 'ok', outside: 'ok' } });
  });

  it('the report lists what was granted: the files, the packages and the directories listed', () => {
    const { pkg, mod, store } = appPackage();
    const { out, stderr } = child(`
      const pool = createPool({ fs: false, vows: 'stdio rpath' }, { module: ${JSON.stringify(mod)}, size: 1 });
      out.items = { value: pool.report.items.filter((i) => i.what === "file system: the launched module's code") };
      out.run = await settle(pool.run('task', '/nonexistent'));
      await pool.close();
    `, {}, user);
    expect(out.run!.value, stderr).toMatchObject({ loaded: LOADED, env: 'EACCES' });
    const [item, ...more] = out.items!.value as { mechanism: string; enforced: boolean; detail: string }[];
    expect(more).toEqual([]);
    expect(item).toMatchObject({ mechanism: expect.stringMatching(/^landlock ABI \d+$/), enforced: true });
    expect(item!.detail).toBe(`read 10 files (package.json, *.js, *.mjs, *.cjs, *.json, *.node, *.wasm; never dot-files) of ${pkg}, `
      + `and of its dependencies dep (2), linked (2), sub (2); list ${pkg}, ${join(store, 'linked')}, ${join(store, 'sub')}; anything else there denied`);
  });

  it("a dual build's module under a nameless dist/esm/package.json loads its package's other files and dependencies; a .env stays unreadable", () => {
    const { pkg } = packageWithSecret();
    const file = (path: string, content: string) => {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, content);
    };
    file(join(pkg, 'package.json'), JSON.stringify({ name: 'dual', dependencies: { dep: '1' } }));
    file(join(pkg, '.env'), 'SECRET=1');
    file(join(pkg, 'dist', 'cjs', 'util.cjs'), 'module.exports = "util loaded";');
    file(join(pkg, 'node_modules', 'dep', 'package.json'), JSON.stringify({ name: 'dep', main: 'index.js' }));
    file(join(pkg, 'node_modules', 'dep', 'index.js'), 'module.exports = "dep loaded";');
    file(join(pkg, 'dist', 'esm', 'package.json'), JSON.stringify({ type: 'module' }));
    const mod = join(pkg, 'dist', 'esm', 'index.js');
    file(mod, `import util from '../cjs/util.cjs';
      import dep from 'dep';
      import { readFileSync } from 'node:fs';
      const read = (path) => { try { readFileSync(new URL(path, import.meta.url)); return 'ok'; } catch (e) { return e.code; } };
      export const task = () => ({ loaded: [util, dep], env: read('../../.env') });`);
    const { out, stderr } = child(`out.run = await settle(launch({ fs: false, vows: 'stdio rpath' }, { module: ${JSON.stringify(mod)}, export: 'task' }));`, {}, user);
    expect(out.run, stderr).toEqual({ value: { loaded: ['util loaded', 'dep loaded'], env: 'EACCES' } });
  });

  it('a module with no package.json above it reads only itself: not the files beside it, not even code', () => {
    const dir = sharedTempDir('exile-launch-loose-');
    writeFileSync(join(dir, 'sibling.js'), 'export default 1;');
    writeFileSync(join(dir, '.env'), 'SECRET=1');
    const mod = join(dir, 'loose.mjs');
    writeFileSync(mod, `import { readFileSync } from 'node:fs';
      const read = (path) => { try { readFileSync(new URL(path, import.meta.url)); return 'ok'; } catch (e) { return e.code; } };
      export const task = () => ({ self: read('./loose.mjs'), sibling: read('./sibling.js'), env: read('./.env') });`);
    const { out, stderr } = child(`
      const pool = createPool({ fs: false, vows: 'stdio rpath' }, { module: ${JSON.stringify(mod)}, size: 1 });
      out.detail = { value: pool.report.items.find((i) => i.what === "file system: the launched module's code")?.detail };
      out.run = await settle(pool.run('task'));
      await pool.close();
      out.unrestricted = await settle(launch({ vows: 'stdio rpath' }, { module: ${JSON.stringify(mod)}, export: 'task' }));
    `, {}, user);
    expect(out.run, stderr).toEqual({ value: { self: 'ok', sibling: 'EACCES', env: 'EACCES' } });
    expect(out.unrestricted, stderr).toEqual({ value: { self: 'ok', sibling: 'ok', env: 'ok' } });
    expect(out.detail!.value).toBe(`read ${mod} only: no package.json above it (give it one to let it import its own files)`);
  });

  it("a pool's next worker is planned again once the package's files change: a replaced file and a new one are read, not refused", () => {
    const { pkg } = appPackage();
    chmodSync(pkg, 0o777);
    const mod = join(pkg, 'watch.js');
    writeFileSync(mod, `import { readFileSync } from 'node:fs';
      const read = (path) => { try { return readFileSync(new URL(path, import.meta.url), 'utf8'); } catch (e) { return e.code; } };
      export const look = () => ({ data: read('./data.json'), fresh: read('./fresh.js'), env: read('./.env') });`);
    const { out, stderr } = child(`
      const { renameSync, writeFileSync } = await import('node:fs');
      const pool = createPool({ fs: false, vows: 'stdio rpath' }, { module: ${JSON.stringify(mod)}, size: 1 });
      out.before = await settle(pool.run('look'));
      // A worker from the spawner, on the plan it was sent once.
      out.spawned = await settle(pool.run('look'));
      // As a build or an install does: a new file, and one replaced by rename (a new inode at the old path).
      writeFileSync(${JSON.stringify(join(pkg, 'data.json.tmp'))}, '{ "answer": 43 }');
      renameSync(${JSON.stringify(join(pkg, 'data.json.tmp'))}, ${JSON.stringify(join(pkg, 'data.json'))});
      writeFileSync(${JSON.stringify(join(pkg, 'fresh.js'))}, 'export default 1;');
      out.after = await settle(pool.run('look'));
      await pool.close();
    `, {}, user);
    expect(out.before, stderr).toEqual({ value: { data: '{ "answer": 42 }', fresh: 'ENOENT', env: 'EACCES' } });
    expect(out.spawned, stderr).toEqual(out.before);
    expect(out.after, stderr).toEqual({ value: { data: '{ "answer": 43 }', fresh: 'export default 1;', env: 'EACCES' } });
  });
});

