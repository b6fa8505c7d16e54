import { existsSync, readdirSync } from 'node:fs';
import { programGrants } from '../program/grants.js';
import type { ProfileHost } from './profile-grants.js';

/** This machine as profiles see it: programs are looked up on the PATH exile itself runs with, from `cwd`. */
export function profileHost(cwd: string): ProfileHost {
  return {
    exists: existsSync,
    list: (dir) => {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
    env: process.env,
    programFiles: (name) => programGrants(name, process.env, cwd).exec,
  };
}
