import { join } from 'node:path';
import { PROFILES, type ProfileName } from './profiles.js';

/** What expanding profiles needs to know about this machine (the real one, or a test's table). */
export interface ProfileHost {
  exists(path: string): boolean;
  /** The names in a directory; empty when it cannot be listed. */
  list(dir: string): string[];
  env: Readonly<Record<string, string | undefined>>;
  /** A program found on the PATH, its ELF loader and shared libraries; empty when it is not found. */
  programFiles(name: string): string[];
}

/** One profile as granted on this machine: only paths that exist. */
export interface ProfileGrant {
  name: ProfileName;
  read: string[];
  exec: string[];
}

const matcher = (pattern: string) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);

/** An absolute path whose components may hold `*`: the existing paths it names, sorted. */
function expand(pattern: string, host: ProfileHost): string[] {
  let found = ['/'];
  for (const part of pattern.split('/').filter((p) => p !== '')) {
    if (!part.includes('*')) {
      found = found.map((dir) => join(dir, part));
      continue;
    }
    const match = matcher(part);
    found = found.flatMap((dir) => host.list(dir).filter((name) => match.test(name)).sort().map((name) => join(dir, name)));
  }
  return found.filter((path) => host.exists(path));
}

/**
 * The file-system grants of each named profile on this machine, in the order named: its
 * programs (with loader and libraries) and exec trees read and execute, its read paths and the
 * files its environment variables name read only. Paths that do not exist are left out.
 */
export function profileGrants(names: readonly ProfileName[], host: ProfileHost): ProfileGrant[] {
  return [...new Set(names)].map((name) => {
    const profile = PROFILES[name];
    const exec = [...(profile.programs ?? []).flatMap((program) => host.programFiles(program)), ...(profile.exec ?? []).flatMap((p) => expand(p, host))];
    const fromEnv = (profile.readFromEnv ?? []).map((variable) => host.env[variable]).filter((v): v is string => v !== undefined && v.startsWith('/') && host.exists(v));
    const read = [...(profile.read ?? []).flatMap((p) => expand(p, host)), ...fromEnv];
    return { name, read: [...new Set(read)], exec: [...new Set(exec)] };
  });
}
