import { resolve } from 'node:path';
import type { SpawnOptions } from '../start/planned.js';
import type { OptionSpec, ParsedOptions } from './options.js';
import { UsageError } from './usage-error.js';

/** The program's environment and working directory (bubblewrap's and systemd-run's names). */
export const ENV_OPTIONS: readonly OptionSpec[] = [
  { name: '--clearenv', help: 'start CMD with an empty environment (then --keepenv, --setenv)' },
  { name: '--keepenv', value: 'VAR', repeat: true, help: 'with --clearenv: keep VAR from this environment' },
  { name: '--setenv', value: 'VAR VALUE', arity: 2, repeat: true, help: 'set VAR to VALUE' },
  { name: '--unsetenv', value: 'VAR', repeat: true, help: 'remove VAR' },
  { name: '--chdir', value: 'DIR', help: 'start CMD in DIR (default: this directory)' },
];

function name(command: string, option: string, text: string): string {
  if (text === '' || text.includes('=') || text.includes('\0')) throw new UsageError(`exile ${command}: ${option}: "${text}" is not a variable name`);
  return text;
}

/**
 * The spawn options the flags describe. The environment is computed here, in order: this one
 * (or, with --clearenv, only its --keepenv variables), minus --unsetenv, plus --setenv.
 */
export function envFromOptions(command: string, parsed: ParsedOptions, base: NodeJS.ProcessEnv = process.env): Pick<SpawnOptions, 'env' | 'cwd'> {
  const keep = (parsed.values.get('--keepenv') ?? []).map((v) => name(command, '--keepenv', v));
  const clear = parsed.values.has('--clearenv');
  if (keep.length > 0 && !clear) throw new UsageError(`exile ${command}: --keepenv goes with --clearenv (without it every variable is kept)`);
  const unset = (parsed.values.get('--unsetenv') ?? []).map((v) => name(command, '--unsetenv', v));
  const set = (parsed.pairs.get('--setenv') ?? []).map(([k, v]) => [name(command, '--setenv', k), v] as const);
  const options: Pick<SpawnOptions, 'env' | 'cwd'> = {};
  if (clear || unset.length + set.length > 0) {
    const env: NodeJS.ProcessEnv = clear ? Object.fromEntries(keep.filter((k) => base[k] !== undefined).map((k) => [k, base[k]])) : { ...base };
    for (const k of unset) delete env[k];
    for (const [k, v] of set) env[k] = v;
    options.env = env;
  }
  const dir = parsed.values.get('--chdir')?.[0];
  if (dir !== undefined) options.cwd = resolve(dir);
  return options;
}
