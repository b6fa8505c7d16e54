import { PROFILE_NAMES, PROFILES } from '../policy/profiles.js';
import { wrap } from './wrap.js';

/** `exile help profiles`: every profile, what it is for and what it grants, from the profile table. */
export function profilesHelp(): string {
  const width = Math.max(...PROFILE_NAMES.map((p) => p.length)) + 2;
  const indent = ' '.repeat(width);
  const body = PROFILE_NAMES.map((name) => {
    const p = PROFILES[name];
    const list = (label: string, items: readonly string[] | undefined) => (items !== undefined && items.length > 0 ? [wrap([label, ...items], indent)] : []);
    return [
      `${name.padEnd(width)}${wrap(p.summary.split(' '), indent).trimStart()}`,
      ...list('programs on the PATH (read and execute, with loader and libraries):', p.programs),
      ...list('read and execute:', p.exec),
      ...list('read:', p.read),
      ...list('read the file named by:', p.readFromEnv),
    ].join('\n');
  });
  return `usage: exile run --profile NAME[,NAME…] [options] -- CMD    (policy files: "profiles": [...])

Profiles add what a common runtime reads and runs to the file-system policy (read only unless
said), measured on the real programs; combine them freely, and add the program's own files with
--ro/--rox/--rw. Paths this machine lacks are left out; * matches any name. A profile alone makes
a file-system policy: nothing else is reachable. exile explain --profile NAME shows what it grants here.

${body.join('\n\n')}
`;
}
