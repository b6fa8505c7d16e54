import { readFileSync } from 'node:fs';

/** This package's version, from its package.json (src/cli and dist/cli are both two levels down). */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
