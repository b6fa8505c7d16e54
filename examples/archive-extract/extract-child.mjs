// One extraction run in its own process: `node extract-child.mjs ARCHIVE DEST [--exile]`.
// Prints one JSON line: { results, report? }.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { enable } from '@exile/core';
import { extract } from './naive-extract.mjs';

const [archivePath, dest, mode] = process.argv.slice(2);
const archive = readFileSync(archivePath);
let report;
if (mode === '--exile') {
  // Read the archive's directory, write only the target directory; no network; no exec, no spawn.
  report = enable({
    fs: { read: [dirname(archivePath)], write: [dest] },
    net: false,
    vows: 'stdio rpath wpath cpath',
  });
}
console.log(JSON.stringify({ results: extract(archive, dest), report }));
