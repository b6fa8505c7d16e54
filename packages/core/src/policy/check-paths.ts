import { statSync } from 'node:fs';
import { invalid } from '@exile/common';
import { IN_POLICY } from './invalid.js';
import type { NormalizedPolicy } from './types.js';

/** Every fs path must exist, said with its place in the policy: a started program's launcher opens them when failing is too late. */
export function checkPaths(fs: NormalizedPolicy['fs']): void {
  if (!fs) return;
  for (const key of ['read', 'write', 'exec', 'makeDevices', 'sockets'] as const) {
    fs[key].forEach((path, i) => {
      try {
        statSync(path);
      } catch (error) {
        throw invalid(`$.fs.${key}[${i}]`, `${path} cannot be used (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
          { file: path }, { ...IN_POLICY, cause: error });
      }
    });
  }
}
