import type { OptionSpec } from './options.js';

/** `exile run` / `exile explain`: keep the caller's session (a started program gets a new one by default). */
export const SHARE_SESSION: OptionSpec = {
  name: '--share-session',
  help: 'keep this terminal session, for job control (default: CMD gets a new session, so it cannot push input into this terminal)',
};
