import { ExileError } from '@exile/common';
import { EXPLAIN_USAGE, explainCommand } from './explain-command.js';
import { probeCommand } from './probe-command.js';
import { RUN_USAGE, SETUP_ERROR, runCommand } from './run-command.js';
import { UsageError } from './usage-error.js';

export const USAGE = `usage: exile <command> [options]

commands:
  probe [--json]              show what this kernel and this process can enforce
  run [options] -- CMD ARGS…  run CMD in a sandbox
  explain [options]           show how a policy would be enforced here, step by step
  help [COMMAND]              show this help, or a command's

exit status: 0 success, 2 usage error, 125 sandbox setup error; run: CMD's own status.
`;

type Output = (text: string) => void;
type Command = (args: string[], out: Output, err: Output) => number | Promise<number>;

const helps: Record<string, string> = {
  probe: 'usage: exile probe [--json]\n\nShows what this kernel and this process can enforce. Changes nothing.\n',
  run: RUN_USAGE,
  explain: EXPLAIN_USAGE,
};

const commands: Record<string, Command> = {
  probe: probeCommand,
  run: runCommand,
  explain: explainCommand,
  help: (args, out) => {
    const topic = args[0];
    if (topic !== undefined && helps[topic] === undefined) throw new UsageError(`exile help: unknown command ${topic}`);
    out(topic === undefined ? USAGE : helps[topic]!);
    return 0;
  },
};

function failure(error: unknown, name: string | undefined, err: Output): number {
  if (error instanceof UsageError) {
    err(`${error.message}\n\n${name !== undefined && helps[name] !== undefined ? helps[name] : USAGE}`);
    return 2;
  }
  if (error instanceof ExileError) {
    err(`exile: ${error.message} [${error.code}]\n`);
    return SETUP_ERROR;
  }
  throw error;
}

/** Runs the CLI and returns its exit status: 2 for usage errors, 125 for sandbox setup errors. */
export function main(argv: string[], out: Output, err: Output): number | Promise<number> {
  const [name, ...args] = argv;
  const command = name === '--help' || name === '-h' ? commands.help : name === undefined ? undefined : commands[name];
  try {
    if (command === undefined) throw new UsageError(name === undefined ? 'exile: missing command' : `exile: unknown command ${name}`);
    const status = command(args, out, err);
    return typeof status === 'number' ? status : status.catch((error: unknown) => failure(error, name, err));
  } catch (error) {
    return failure(error, name, err);
  }
}
