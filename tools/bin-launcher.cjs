#!/usr/bin/env node
// A bin's start (tools/build-bundle.mjs copies this file to dist/<bin>.cjs): runs the bin's code,
// dist/<bin>.bundle.cjs, with the V8 code cache that the build made for it. Node 20 has no compile
// cache of its own, and compiling the bundle and then, while it runs, each function it calls was
// about a tenth of `exile run`'s start.
//
// The bundle is one function expression (exports, require, module, __filename, __dirname), the
// shape Node gives a CommonJS module, so this module's own require resolves its imports. The cache
// file is the CRC-32 of the bundle's bytes, then V8's data. V8 itself rejects data from another V8
// version or other V8 flags, but it checks only the source's length: the CRC is what ties the data
// to these exact bytes. The file is named for process.arch: an arm64 Node of the same version took
// x64's data, which passed V8's checks, and died. Any mismatch, a missing or unreadable cache file, and V8 compiles the
// bundle from its source as usual.
'use strict';
const { readFileSync } = require('node:fs');
const { Script } = require('node:vm');

/** The bundle's text: ASCII (esbuild escapes every other character outside comments) copied as Latin-1, which
 *  is faster than decoding UTF-8; tools/bin-code-cache.cjs decodes it the same way. */
const decode = (bytes) => (require('node:buffer').isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8'));
const file = `${__filename.slice(0, -'.cjs'.length)}.bundle.cjs`;
const bytes = readFileSync(file);

/** V8's data from the cache file, when the file was made from these bytes. */
function cachedData() {
  try {
    const cache = readFileSync(`${__filename.slice(0, -'.cjs'.length)}.bundle.${process.arch}.cache`);
    return cache.length > 4 && cache.readUInt32LE(0) === require('node:zlib').crc32(bytes) ? cache.subarray(4) : undefined;
  } catch {
    return undefined; // no cache: compile from source
  }
}

let run;
if (process.sourceMapsEnabled) {
  // Node 20 maps stack traces (--enable-source-maps) only in code its module loader compiled: no cache then.
  const bundle = new (require('node:module'))(file, module);
  bundle._compile(`module.exports = ${decode(bytes)}`, file);
  run = bundle.exports;
} else {
  run = new Script(decode(bytes), { filename: file, cachedData: cachedData() }).runInThisContext();
}
run(exports, require, module, file, __dirname);
