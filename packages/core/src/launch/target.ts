import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { invalid } from '@exile/common';
import { freeVariables } from './free-variables.js';

const globals = new Set(Object.getOwnPropertyNames(globalThis));
const IN_LAUNCH = { context: 'launch()' };

/** The source of a function sent to a child, refused when it closes over anything the child will not have. */
export function sourceOf(fn: (...args: never[]) => unknown): string {
  const source = fn.toString();
  let free: string[];
  try {
    free = freeVariables(source, globals);
  } catch {
    throw invalid('fn', 'cannot be sent by source (a native, bound or method-shorthand function?); pass a function expression or { module, export }', {}, IN_LAUNCH);
  }
  if (free.length > 0) {
    throw invalid('fn', `closes over ${free.map((n) => `"${n}"`).join(', ')}, which will not exist in the child (it gets only the source). `
      + 'Pass values as arguments, import modules inside the function, or use { module, export }.', { names: free }, IN_LAUNCH);
  }
  return source;
}

/** A module's URL as the child imports it: absolute paths and URLs only (the child's working directory is not the caller's concern). */
export function moduleUrl(module: string | URL, api: string, path: string): string {
  if (module instanceof URL) return module.href;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  if (/^[a-z][\w+.-]*:/i.test(module)) return module;
  throw invalid(path, `must be an absolute path or a URL (new URL('./x.js', import.meta.url)), got ${JSON.stringify(module)}`, {}, { context: api });
}
