// One fresh process: time enable() with fs + net + vows + caps; print ms.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { enable } from '@exile/core';

const dir = mkdtempSync(`${tmpdir()}/exile-bench-`);
const t0 = performance.now();
enable({ fs: { read: ['/usr', '/etc'], write: [dir] }, net: false, vows: 'stdio rpath wpath cpath', capabilities: 'drop-all' });
console.log(performance.now() - t0);
