import { parseOptions, type OptionSpec, type ParsedOptions } from './options.js';
import { UsageError } from './usage-error.js';

/** What `exile NAME [options] -- CMD ARGS…` was asked: its options, and the command to run. */
export interface CommandLine {
  parsed: ParsedOptions;
  command: string;
  args: string[];
}

/**
 * Parses the command line of a command that runs CMD (`run`, `learn`): undefined once `--help`
 * printed `usage`; a usage error without CMD.
 */
export function parseCommandLine(name: string, specs: readonly OptionSpec[], usage: string, args: string[], out: (text: string) => void): CommandLine | undefined {
  const parsed = parseOptions(name, specs, args);
  if (parsed.values.has('--help')) {
    out(usage);
    return undefined;
  }
  const [command, ...commandArgs] = parsed.rest;
  if (command === undefined) throw new UsageError(`exile ${name}: missing CMD (put it after --)`);
  return { parsed, command, args: commandArgs };
}
