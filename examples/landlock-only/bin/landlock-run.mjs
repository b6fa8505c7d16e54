#!/usr/bin/env node
// landlock-run: run a command with file-system and TCP access limited by Landlock.
//   landlock-run [--read P]... [--write P]... [--exec P]... [--connect PORT]... [--bind PORT]...
//                [--best-effort] [--status] -- command [args...]
// The runner restricts itself (every thread), then starts the command, which inherits the
// restriction and cannot lift it. Depends on @exile/landlock only.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { restrict, ExileError } from '@exile/landlock';

const USAGE = 'usage: landlock-run [--read P]... [--write P]... [--exec P]... [--connect PORT]... [--bind PORT]... [--best-effort] [--status] -- command [args...]';

function fail(message, code = 2) {
  process.stderr.write(`landlock-run: ${message}\n`);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      read: { type: 'string', multiple: true, default: [] },
      write: { type: 'string', multiple: true, default: [] },
      exec: { type: 'string', multiple: true, default: [] },
      connect: { type: 'string', multiple: true },
      bind: { type: 'string', multiple: true },
      'best-effort': { type: 'boolean', default: false },
      status: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
} catch (error) {
  fail(`${error.message}\n${USAGE}`);
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (positionals.length === 0) fail(`no command given\n${USAGE}`);

const ports = (list) => list?.map((port) => (/^\d+$/.test(port) ? Number(port) : fail(`not a port: ${port}`)));
const net = values.connect || values.bind ? { connectTcp: ports(values.connect) ?? [], bindTcp: ports(values.bind) ?? [] } : undefined;

let status;
try {
  status = restrict({
    // A written directory is also readable: a directory you can write but not list surprises everyone.
    fs: { read: [...values.read, ...values.write], write: values.write, exec: values.exec },
    ...(net ? { net } : {}),
    compat: values['best-effort'] ? 'best-effort' : 'hard',
  });
} catch (error) {
  fail(error instanceof ExileError ? `${error.code}: ${error.message}` : String(error), 125);
}
if (values.status) process.stderr.write(`${JSON.stringify(status)}\n`);

const [command, ...args] = positionals;
const result = spawnSync(command, args, { stdio: 'inherit' });
if (result.error) fail(`cannot run ${command}: ${result.error.code ?? result.error.message}`, 126);
process.exit(result.status ?? 128);
