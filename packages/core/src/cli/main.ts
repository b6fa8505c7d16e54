import { probeCommand } from './probe-command.js';
import { UsageError } from './usage-error.js';

export const USAGE = `usage: exile <command> [options]

commands:
  probe [--json]    show what this kernel and this process can enforce
  help              show this help
`;

type Command = (args: string[], out: (text: string) => void) => number;

const commands: Record<string, Command> = {
  probe: probeCommand,
  help: (_args, out) => {
    out(USAGE);
    return 0;
  },
};

/** Runs the CLI and returns its exit status (2 for usage errors). */
export function main(argv: string[], out: (text: string) => void, err: (text: string) => void): number {
  const [name, ...args] = argv;
  const command = name === '--help' || name === '-h' ? commands.help : name === undefined ? undefined : commands[name];
  try {
    if (command === undefined) throw new UsageError(name === undefined ? 'exile: missing command' : `exile: unknown command ${name}`);
    return command(args, out);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`${error.message}\n\n${USAGE}`);
    return 2;
  }
}
