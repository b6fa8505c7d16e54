import { readFileSync } from 'node:fs';
import { ownFile } from '../own-file.js';

/** This package's version, from its package.json. */
export function version(): string {
  return (JSON.parse(readFileSync(ownFile('package.json'), 'utf8')) as { version: string }).version;
}
