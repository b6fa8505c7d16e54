import { describe, expect, it } from 'vitest';
import { moduleCode, packageOf, type CodeFs } from '../src/launch/module-code.js';
import { dependencyNames, isCodeFile, lookupPaths, MODULE_CODE_ITEM, walksInto } from '../src/launch/package-code.js';
import { explain } from '../src/explain.js';
import { fakeFeatures } from './fake-features.js';

/** A file tree as nested objects: a string is a file (its content), an object a directory, `{ link: target }` a symlink. */
type Tree = { [name: string]: string | Tree | { link: string } };

function isLink(node: unknown): node is { link: string } {
  return typeof node === 'object' && node !== null && typeof (node as { link?: unknown }).link === 'string' && Object.keys(node).length === 1;
}

/** A CodeFs over `tree`, with symlinks resolved as the kernel would (absolute targets only). */
function fakeFs(tree: Tree): CodeFs {
  const at = (path: string, follow: boolean): { node: Tree[string] | Tree; real: string } | undefined => {
    let node: Tree[string] | Tree = tree;
    let real = '';
    for (const part of path.split('/').filter(Boolean)) {
      if (typeof node === 'string' || isLink(node)) return undefined;
      const next: Tree[string] | undefined = node[part];
      if (next === undefined) return undefined;
      if (isLink(next)) {
        const target = at(next.link, true);
        if (target === undefined) return undefined;
        ({ node, real } = target);
        continue;
      }
      node = next;
      real = `${real}/${part}`;
    }
    return follow || !isLink(node) ? { node, real: real || '/' } : undefined;
  };
  const kindOf = (node: Tree[string] | Tree) => (typeof node === 'string' ? 'file' as const : 'dir' as const);
  return {
    list(dir) {
      const found = at(dir, true);
      if (found === undefined || typeof found.node === 'string') return [];
      return Object.entries(found.node as Tree).map(([name, node]) => ({ name, kind: isLink(node) ? 'link' as const : kindOf(node) }));
    },
    realpath: (path) => at(path, true)?.real,
    kind(path) {
      const found = at(path, true);
      return found === undefined ? undefined : kindOf(found.node);
    },
    readJson(path) {
      const found = at(path, true);
      try {
        return typeof found?.node === 'string' ? JSON.parse(found.node) as unknown : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

const manifest = (value: object) => JSON.stringify(value);

describe('which files of a package are code', () => {
  it('grants package.json and code and data extensions; never dot-files or other files', () => {
    const granted = ['package.json', 'index.js', 'a.mjs', 'b.cjs', 'data.json', 'addon.node', 'lib.wasm', 'x.min.js'];
    const denied = ['.env', '.npmrc', '.secret.json', '.js', 'key.pem', 'id_rsa', 'README.md', 'LICENSE', 'notes.txt', 'types.d.ts', 'index.js.map', 'js'];
    expect(granted.filter(isCodeFile)).toEqual(granted);
    expect(denied.filter(isCodeFile)).toEqual([]);
  });

  it('walks into plain directories, not dot-directories or node_modules', () => {
    expect(['lib', 'dist', 'src'].map(walksInto)).toEqual([true, true, true]);
    expect(['.git', '.ssh', 'node_modules'].map(walksInto)).toEqual([false, false, false]);
  });

  it('takes run-time dependency names from a manifest, not devDependencies, and never a name that walks out', () => {
    expect(dependencyNames({ dependencies: { a: '1', '@s/b': '2' }, optionalDependencies: { c: '3' }, peerDependencies: { a: '1' }, devDependencies: { vitest: '1' } }))
      .toEqual(['a', '@s/b', 'c']);
    expect(dependencyNames({ dependencies: { '../up': '1', '@s/../x': '1', '.hidden': '1', 'a/b': '1', ok: '1' } })).toEqual(['ok']);
    expect([undefined, null, 'x', { dependencies: ['a'] }].map(dependencyNames)).toEqual([[], [], [], []]);
  });

  it("looks a dependency up Node's way: node_modules in each directory up, none inside node_modules itself", () => {
    expect(lookupPaths('/w/node_modules/.pnpm/a@1/node_modules/a', 'b')).toEqual([
      '/w/node_modules/.pnpm/a@1/node_modules/a/node_modules/b', '/w/node_modules/.pnpm/a@1/node_modules/b',
      '/w/node_modules/.pnpm/node_modules/b', '/w/node_modules/b', '/node_modules/b',
    ]);
  });
});

describe('moduleCode()', () => {
  const app: Tree = {
    app: {
      'package.json': manifest({ name: 'app', dependencies: { dep: '1', linked: '1', missing: '1' }, devDependencies: { tool: '1' } }),
      'main.js': '', 'data.json': '{}', '.env': 'SECRET=1', 'key.pem': 'KEY', 'README.md': '',
      lib: { 'util.cjs': '', 'notes.txt': '', '.hidden.js': '' },
      '.git': { 'config.json': '' },
      node_modules: {
        dep: { 'package.json': manifest({ name: 'dep' }), 'index.js': '', '.env': '' },
        tool: { 'package.json': manifest({ name: 'tool' }), 'index.js': '' },
        linked: { link: '/store/linked@1/node_modules/linked' },
      },
    },
    store: {
      'linked@1': { node_modules: {
        linked: { 'package.json': manifest({ name: 'linked', dependencies: { sub: '1' } }), 'index.mjs': '' },
        sub: { link: '/store/sub@2/node_modules/sub' },
      } },
      'sub@2': { node_modules: { sub: { 'package.json': manifest({ name: 'sub' }), 'main.js': '', 'leak.js': { link: '/app/.env' } } } },
    },
  };

  it("grants the package's code file by file, and its dependencies' as Node finds them (hoisted or pnpm's store), never devDependencies", () => {
    const code = moduleCode('/app/main.js', fakeFs(app), { covered: [], maxFiles: 100 });
    expect(code.files.sort()).toEqual([
      '/app/data.json', '/app/lib/util.cjs', '/app/main.js', '/app/node_modules/dep/index.js', '/app/node_modules/dep/package.json', '/app/package.json',
      '/store/linked@1/node_modules/linked/index.mjs', '/store/linked@1/node_modules/linked/package.json',
      '/store/sub@2/node_modules/sub/main.js', '/store/sub@2/node_modules/sub/package.json',
    ]);
    expect(code.packages.map((p) => [p.name, p.files, p.covered])).toEqual([['app', 4, false], ['dep', 2, false], ['linked', 2, false], ['sub', 2, false]]);
    // Listing is inherited: the app's root covers dep's; the store's packages are elsewhere.
    expect(code.dirs).toEqual(['/app', '/store/linked@1/node_modules/linked', '/store/sub@2/node_modules/sub']);
    expect(code.truncated).toBe(false);
    // What tells a pool to plan again: every directory read, every manifest followed.
    expect(code.watched.sort()).toEqual(['/app', '/app/lib', '/app/node_modules/dep', '/app/node_modules/dep/package.json', '/app/package.json',
      '/store/linked@1/node_modules/linked', '/store/linked@1/node_modules/linked/package.json', '/store/sub@2/node_modules/sub', '/store/sub@2/node_modules/sub/package.json']);
  });

  it('reads each manifest once, the root\'s too', () => {
    const fs = fakeFs(app);
    const read: string[] = [];
    moduleCode('/app/main.js', { ...fs, readJson: (path) => (read.push(path), fs.readJson(path)) }, { covered: [], maxFiles: 100 });
    expect(read.length).toBe(new Set(read).size);
    expect(read).toContain('/app/package.json');
  });

  it('does not walk what the child reads whole anyway, but follows its dependencies', () => {
    const code = moduleCode('/app/main.js', fakeFs(app), { covered: ['/store/linked@1'], maxFiles: 100 });
    expect(code.packages.map((p) => [p.name, p.files, p.covered])).toEqual([['app', 4, false], ['dep', 2, false], ['linked', 0, true], ['sub', 2, false]]);
    expect(code.dirs).toEqual(['/app', '/store/sub@2/node_modules/sub']);
  });

  it('the package root is the nearest package.json up from the resolved module; none: the module reads only itself', () => {
    const fs = fakeFs({ ...app, loose: { 'task.js': '', 'other.js': '' }, link: { 'task.js': { link: '/app/lib/util.cjs' } } });
    expect(packageOf('/app/lib', fs)?.root).toBe('/app');
    expect(moduleCode('/link/task.js', fs, { covered: [], maxFiles: 100 }).packages[0]!.root).toBe('/app');
    expect(moduleCode('/loose/task.js', fs, { covered: [], maxFiles: 100 })).toEqual({ module: '/loose/task.js', packages: [], files: ['/loose/task.js'], dirs: [], truncated: false, watched: ['/loose'] });
  });

  it("a dual build's nameless dist/esm/package.json (only `type`) is not the package: the named root's files and dependencies are granted", () => {
    const fs = fakeFs({
      pkg: {
        'package.json': manifest({ name: 'dual', dependencies: { dep: '1' } }),
        dist: { esm: { 'package.json': manifest({ type: 'module' }), 'index.js': 'x' }, cjs: { 'index.js': 'x' } },
        node_modules: { dep: { 'package.json': manifest({ name: 'dep' }), 'index.js': 'x' } },
      },
      app: { 'package.json': manifest({ type: 'module' }), 'main.js': 'x' },
    });
    expect(packageOf('/pkg/dist/esm', fs)?.root).toBe('/pkg');
    const code = moduleCode('/pkg/dist/esm/index.js', fs, { covered: [], maxFiles: 100 });
    expect(code.packages.map((p) => p.root)).toEqual(['/pkg', '/pkg/node_modules/dep']);
    expect(code.files).toEqual(expect.arrayContaining(['/pkg/dist/cjs/index.js', '/pkg/node_modules/dep/index.js']));
    // No named package above: the nearest package.json still bounds it.
    expect(packageOf('/app', fs)?.root).toBe('/app');
  });

  it('grants the module itself whatever its name, and stops at maxFiles saying so', () => {
    expect(moduleCode('/app/lib/notes.txt', fakeFs(app), { covered: [], maxFiles: 100 }).files).toContain('/app/lib/notes.txt');
    const code = moduleCode('/app/main.js', fakeFs(app), { covered: [], maxFiles: 3 });
    expect(code.truncated).toBe(true);
    expect(code.files.length).toBeLessThanOrEqual(4);
  });

  it('a dependency cycle or a symlink loop ends', () => {
    const cyclic: Tree = {
      a: { 'package.json': manifest({ name: 'a', dependencies: { b: '1' } }), 'i.js': '', loop: { link: '/a' },
        node_modules: { b: { 'package.json': manifest({ name: 'b', dependencies: { a: '1' } }), node_modules: { a: { link: '/a' } } } } },
    };
    const code = moduleCode('/a/i.js', fakeFs(cyclic), { covered: [], maxFiles: 100 });
    expect(code.packages.map((p) => p.name)).toEqual(['a', 'b']);
    expect(code.files.sort()).toEqual(['/a/i.js', '/a/node_modules/b/package.json', '/a/package.json']);
  });
});

describe('explain() for launch()', () => {
  it("says what a launched module reads, before any module is known; only where Landlock limits files, only for launch", () => {
    const item = explain({ fs: false }, 'launch', fakeFeatures()).items.find((i) => i.what === MODULE_CODE_ITEM);
    expect(item).toMatchObject({ enforced: true, mechanism: 'landlock ABI 7' });
    expect(item!.detail).toBe('for { module }: the files package.json, *.js, *.mjs, *.cjs, *.json, *.node, *.wasm of its package (the nearest named package.json above it) '
      + 'and of the packages it depends on at run time, one rule a file, and listing of their directories; never dot-files or other files; the report of a launch names them');
    expect(explain({ fs: false }, 'child', fakeFeatures()).items.map((i) => i.what)).not.toContain(MODULE_CODE_ITEM);
    expect(explain({ vows: 'stdio' }, 'launch', fakeFeatures()).items.map((i) => i.what)).not.toContain(MODULE_CODE_ITEM);
  });
});
