// The start of a bin's bundle (tools/build-bundle.mjs): what its import.meta stands for in the function
// that tools/bin-launcher.cjs calls with a CommonJS module's arguments. The names start with "__exile" so
// that no name esbuild gives the bundle's own code can hide them.
'use strict';
const { existsSync: __exileExists, realpathSync: __exileRealpath } = require('node:fs');
const { join: __exileJoin } = require('node:path');
const { pathToFileURL: __exileFileUrl } = require('node:url');

/** The bin's own import.meta.url: this bundle is in its package's dist/, as the package's other modules are. */
const __exileImportMetaUrl = __exileFileUrl(__filename).href;

/** import.meta.resolve(specifier): require.resolve's file, which takes the "default" condition of @exile's exports. */
const __exileImportMetaResolve = (specifier) => __exileFileUrl(require.resolve(specifier)).href;

/**
 * Where another @exile package inlined here would have been loaded from (its import.meta.url, which it uses only
 * to find its package's directory): the URL of its package.json in the first of require's own lookup directories
 * that has one, as require() finds a package, with symlinks resolved as require() does. Node's whole resolution
 * (the package's exports, then the file) cost `exile run` 6 ms for six packages, this a sixth of that; a package
 * that is not found that way is left to it.
 */
const __exilePackageUrl = (name) => {
  for (const dir of require.resolve.paths(name)) {
    const root = __exileJoin(dir, name);
    if (__exileExists(__exileJoin(root, 'package.json'))) return __exileFileUrl(__exileJoin(__exileRealpath(root), 'package.json')).href;
  }
  return __exileImportMetaResolve(name);
};
