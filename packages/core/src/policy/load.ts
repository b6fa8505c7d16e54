import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, ExileError } from '@exile/common';
import type { Policy } from './types.js';
import { toPolicy, validatePolicy } from './validate.js';

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ExileError(ErrorCodes.INVALID_POLICY, `cannot read policy file ${file}: ${(error as Error).message}`,
      { path: '$', file }, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ExileError(ErrorCodes.INVALID_POLICY, `policy file ${file} is not valid JSON: ${(error as Error).message}`,
      { path: '$', file }, { cause: error });
  }
}

/**
 * Loads and validates a policy: a path or `file:` URL of a JSON file (relative paths inside it
 * resolve against the file's directory), or an object (relative paths resolve against the
 * current directory). Returns the canonical policy: absolute paths, vows as a list, defaults
 * filled in. Throws `ERR_EXILE_INVALID_POLICY` / `ERR_EXILE_UNKNOWN_VOW` naming the bad part.
 */
export function loadPolicy(fileOrObject: string | URL | Policy): Policy {
  if (typeof fileOrObject === 'string' || fileOrObject instanceof URL) {
    const file = fileOrObject instanceof URL ? fileURLToPath(fileOrObject) : resolve(fileOrObject);
    return toPolicy(validatePolicy(readJson(file), dirname(file)));
  }
  return toPolicy(validatePolicy(fileOrObject));
}
