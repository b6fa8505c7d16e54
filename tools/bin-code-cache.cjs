// Makes a bin's V8 code cache (tools/build-bundle.mjs runs this once per build; tools/bin-launcher.cjs
// reads it): runs the bin's bundle the way its launcher does, with `args`, and at exit writes the
// CRC-32 of the bundle's bytes and then V8's data for every function that ran. Data made right after
// compiling would hold the top level only; each function the command then calls would compile at
// its first call, as without a cache.
// Usage: node bin-code-cache.cjs DIST/BIN.cjs CACHE ARGS... (CACHE: the file the launcher reads, named by tools/build-bundle.mjs)
'use strict';
const { isAscii } = require('node:buffer');
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');
const { crc32 } = require('node:zlib');

const [launcher, cache, ...args] = process.argv.slice(2);
const file = `${launcher.slice(0, -'.cjs'.length)}.bundle.cjs`;
const bytes = readFileSync(file);
// Decoded as the launcher does: the data is for that exact text.
const script = new Script(isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8'), { filename: file });
process.on('exit', () => {
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(bytes));
  writeFileSync(cache, Buffer.concat([crc, script.createCachedData()]));
});
process.argv = [process.argv[0], launcher, ...args];
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, createRequire(launcher), module_, file, dirname(file));
