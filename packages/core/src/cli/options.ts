import { UsageError } from './usage-error.js';

/** One command-line option: a flag, or an option taking a value (`--x V` or `--x=V`). */
export interface OptionSpec {
  name: string;
  value?: string;
  repeat?: boolean;
  help: string;
}

export interface ParsedOptions {
  /** Values per option name, in order; flags get `''`. */
  values: Map<string, string[]>;
  /** What follows `--` (or the first non-option argument). */
  rest: string[];
}

/**
 * Parses `args` against a table of options. Stops at `--` or at the first argument that is
 * not an option (the command to run). Unknown options, missing values and repeats of
 * single options are usage errors.
 */
export function parseOptions(command: string, specs: readonly OptionSpec[], args: string[]): ParsedOptions {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values = new Map<string, string[]>();
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = byName.get(name);
    if (spec === undefined) throw new UsageError(`exile ${command}: unknown option ${name}`);
    let value = '';
    if (spec.value !== undefined) {
      if (eq > 0) value = arg.slice(eq + 1);
      else if (i + 1 < args.length) value = args[++i]!;
      else throw new UsageError(`exile ${command}: ${name} needs a value (${spec.value})`);
    } else if (eq > 0) {
      throw new UsageError(`exile ${command}: ${name} takes no value`);
    }
    const list = values.get(name) ?? [];
    if (list.length > 0 && !spec.repeat) throw new UsageError(`exile ${command}: ${name} given twice`);
    values.set(name, [...list, value]);
  }
  return { values, rest: args.slice(i) };
}

/** Help lines for an option table, aligned. */
export function optionHelp(specs: readonly OptionSpec[]): string {
  const labels = specs.map((s) => `  ${s.name}${s.value ? ` ${s.value}` : ''}${s.repeat ? '…' : ''}`);
  const width = Math.max(...labels.map((l) => l.length));
  return specs.map((s, i) => `${labels[i]!.padEnd(width)}  ${s.help}`).join('\n') + '\n';
}
