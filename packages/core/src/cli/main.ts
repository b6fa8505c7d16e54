import { ExileError } from '@exile/common';
import { EXIT } from './exit-status.js';
import { UsageError } from './usage-error.js';
import { version } from './version.js';

export const USAGE = `usage: exile <command> [options]

commands:
  probe [--json]              show what this kernel and this process can enforce
  run [options] -- CMD ARGS…  run CMD in a sandbox
  learn [options] -- CMD ARGS…  run CMD once, write the tightest policy that lets it work
  explain [options]           show how a policy would be enforced here, step by step
  help [COMMAND]              show this help, or a command's
  help vows                   every vow: what it is for, its syscalls
  help profiles               every profile: what a common runtime reads and runs
  --version                   print exile's version

exit status: 0 success, 2 usage error, 125 sandbox setup error; run: CMD's own status,
126 when CMD cannot be executed, 127 when it is not found.
`;

type Output = (text: string) => void;
type Command = (args: string[], out: Output, err: Output) => number | Promise<number>;

/** A command with its help text. */
interface Loaded {
  run: Command;
  help: string;
}

const PROBE_HELP = 'usage: exile probe [--json]\n\nShows what this kernel and this process can enforce. Changes nothing.\n';

/**
 * Each command's module, imported when that command runs: `exile run` then loads neither learn's
 * recorder nor explain's renderer, and start-up time is what a wrapped compiler call pays each time.
 */
const commands: Record<string, () => Promise<Loaded>> = {
  probe: async () => ({ run: (await import('./probe-command.js')).probeCommand, help: PROBE_HELP }),
  run: async () => {
    const m = await import('./run-command.js');
    return { run: m.runCommand, help: m.RUN_USAGE };
  },
  explain: async () => {
    const m = await import('./explain-command.js');
    return { run: m.explainCommand, help: m.EXPLAIN_USAGE };
  },
  learn: async () => {
    const m = await import('./learn-command.js');
    return { run: m.learnCommand, help: m.LEARN_USAGE };
  },
  help: () => Promise.resolve({ run: help, help: USAGE }),
};

/** Help topics that are not commands, computed when asked for. */
const topics: Record<string, () => Promise<string>> = {
  vows: async () => (await import('./help-vows.js')).vowsHelp(),
  profiles: async () => (await import('./help-profiles.js')).profilesHelp(),
};

async function help(args: string[], out: Output): Promise<number> {
  const topic = args[0];
  if (topic !== undefined && topics[topic] !== undefined) {
    out(await topics[topic]());
    return 0;
  }
  if (topic !== undefined && commands[topic] === undefined) throw new UsageError(`exile help: unknown command or topic ${topic}`);
  out(topic === undefined ? USAGE : (await commands[topic]!()).help);
  return 0;
}

function failure(error: unknown, helpText: string, err: Output): number {
  if (error instanceof UsageError) {
    err(`${error.message}\n\n${helpText}`);
    return EXIT.usage;
  }
  if (error instanceof ExileError) {
    err(`exile: ${error.message} [${error.code}]\n`);
    return EXIT.setup;
  }
  throw error;
}

/** Runs the CLI and resolves to its exit status: 2 for usage errors, 125 for sandbox setup errors. */
export async function main(argv: string[], out: Output, err: Output): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--version') {
    out(`exile ${version()}\n`);
    return 0;
  }
  const load = name === '--help' || name === '-h' ? commands.help : name === undefined ? undefined : commands[name];
  if (load === undefined) return failure(new UsageError(name === undefined ? 'exile: missing command' : `exile: unknown command ${name}`), USAGE, err);
  const command = await load();
  try {
    return await command.run(args, out, err);
  } catch (error) {
    return failure(error, command.help, err);
  }
}
