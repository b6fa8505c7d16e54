import { runScript, type ChildResult } from '@exile/test-utils';
import { expect } from 'vitest';
import { tmpdir } from 'node:os';

export const SIGSYS_LINE = /^exile: [a-z0-9_]+\(2\) blocked by vows; .*\n$/;

/** Runs an ES module body in a fresh Node child that can `import { vow } from '@exile/vows'`. */
export function child(body: string, options: { user?: 'nobody'; timeoutMs?: number; env?: NodeJS.ProcessEnv; nodeArgs?: string[]; args?: string[] } = {}): ChildResult {
  const code = [
    "import { vow, explain } from '@exile/vows';",
    "import fs from 'node:fs';",
    "import net from 'node:net';",
    "import os from 'node:os';",
    "import path from 'node:path';",
    "import { spawnSync } from 'node:child_process';",
    "const attempt = (fn) => { try { const v = fn(); return v === undefined ? 'ok' : v; } catch (e) { return e.code ?? e.message; } };",
    "const done = (value) => console.log(JSON.stringify(value));",
    body,
  ].join('\n');
  // cwd outside the package: a Worker start needs getcwd() to succeed even if .test-tmp is cleaned meanwhile
  return runScript(code, { from: import.meta.url, cwd: tmpdir(), ...options });
}

/** stderr split into lines, each with its newline. */
export const lines = (stderr: string): string[] => stderr.split(/(?<=\n)/).filter((l) => l !== '');

/** A child that a vow killed: SIGSYS (no exit status), and what it printed on each stream named. */
export function expectKilled(r: ChildResult, printed: { stdout?: string; stderr?: string }): void {
  expect(r).toMatchObject({ signal: 'SIGSYS', status: null, ...printed });
}
