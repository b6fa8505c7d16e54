import { UsageError } from './usage-error.js';

/**
 * One command-line option: a flag, or an option taking a value (`--x V` or `--x=V`), or two
 * (`--x A B`). `arity` decides per occurrence from its first value when one name has both
 * forms (`--bind PORT` and `--bind SRC DST`).
 */
export interface OptionSpec {
  name: string;
  value?: string;
  arity?: 2 | ((first: string) => 1 | 2);
  repeat?: boolean;
  help: string;
  /** What the README's option table says beyond `help` (markdown), appended after a dash. */
  more?: string;
}

export interface ParsedOptions {
  /** Values per option name, in order, for one-value occurrences; flags get `''`. */
  values: Map<string, string[]>;
  /** Value pairs per option name, in order, for two-value occurrences. */
  pairs: Map<string, [string, string][]>;
  /** Every occurrence in command-line order (where order matters across names, as for mounts). */
  occurrences: { name: string; values: string[] }[];
  /** What follows `--` (or the first non-option argument). */
  rest: string[];
}

function add<T>(map: Map<string, T[]>, name: string, item: T): void {
  map.set(name, [...(map.get(name) ?? []), item]);
}

/**
 * Parses `args` against a table of options. Stops at `--` or at the first argument that is
 * not an option (the command to run) — but a non-option before a later `--` is a usage error
 * (`--ro /usr /etc -- cat` must not run `/etc`). Unknown options, missing values and repeats
 * of single options are usage errors.
 */
export function parseOptions(command: string, specs: readonly OptionSpec[], args: string[]): ParsedOptions {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const parsed: ParsedOptions = { values: new Map(), pairs: new Map(), occurrences: [], rest: [] };
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (args.includes('--', i)) {
        throw new UsageError(`exile ${command}: unexpected argument "${arg}" before -- (give each option its value; CMD goes after --)`);
      }
      break;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = byName.get(name);
    if (spec === undefined) throw new UsageError(`exile ${command}: unknown option ${name}`);
    if (!spec.repeat && (parsed.values.has(name) || parsed.pairs.has(name))) throw new UsageError(`exile ${command}: ${name} given twice`);
    if (spec.value === undefined) {
      if (eq > 0) throw new UsageError(`exile ${command}: ${name} takes no value`);
      add(parsed.values, name, '');
      parsed.occurrences.push({ name, values: [] });
      continue;
    }
    const next = (): string => {
      if (i + 1 < args.length) return args[++i]!;
      throw new UsageError(`exile ${command}: ${name} needs a value (${spec.value})`);
    };
    const first = eq > 0 ? arg.slice(eq + 1) : next();
    const arity = typeof spec.arity === 'function' ? spec.arity(first) : spec.arity ?? 1;
    if (arity === 1) add(parsed.values, name, first);
    else add(parsed.pairs, name, [first, next()]);
    parsed.occurrences.push({ name, values: arity === 1 ? [first] : parsed.pairs.get(name)!.at(-1)! });
  }
  parsed.rest = args.slice(i);
  return parsed;
}

const label = (s: OptionSpec): string => `${s.name}${s.value ? ` ${s.value}` : ''}${s.repeat ? '…' : ''}`;

/** Help lines for an option table, aligned. */
export function optionHelp(specs: readonly OptionSpec[]): string {
  const labels = specs.map((s) => `  ${label(s)}`);
  const width = Math.max(...labels.map((l) => l.length));
  return specs.map((s, i) => `${labels[i]!.padEnd(width)}  ${s.help}`).join('\n') + '\n';
}

/** The same table in markdown, for a README (`scripts/readme.mjs` writes it; a test keeps it current). */
export function optionTable(specs: readonly OptionSpec[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  return ['| option | meaning |', '|---|---|',
    ...specs.map((s) => `| \`${cell(label(s))}\` | ${cell(s.more === undefined ? s.help : `${s.help} — ${s.more}`)} |`)].join('\n');
}
