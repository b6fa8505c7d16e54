import { defineProject } from 'vitest/config';

/**
 * The vitest project config every exile package uses. Enforcement tests start fresh Node
 * children (sometimes as another user, sometimes in new namespaces) on a 2-core machine that
 * runs all projects at once, so the default 5 s timeout is too tight. Plain JS: vitest loads
 * config files with Node, which cannot import TypeScript from node_modules.
 *
 * @param {string} name the project name, `@exile/<package>`
 * @param {import('vitest/config').UserWorkspaceConfig['test']} [test] overrides
 */
export function exileProject(name, test = {}) {
  return defineProject({ test: { name, testTimeout: 60_000, hookTimeout: 60_000, ...test } });
}
