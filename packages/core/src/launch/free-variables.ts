import { parse } from 'acorn';
import { analyze } from 'eslint-scope';

/**
 * The identifiers a function's source uses but neither declares nor finds among `globals` —
 * what it closes over, which a child given only its source would not have. Uses a real parser
 * and scope analyzer. Throws a SyntaxError for source that is not a function expression
 * (native or bound functions, method shorthand).
 */
export function freeVariables(source: string, globals: ReadonlySet<string>): string[] {
  const ast = parse(`(${source});`, { ecmaVersion: 'latest', sourceType: 'script', ranges: true });
  const scopes = analyze(ast as Parameters<typeof analyze>[0], { ecmaVersion: 2022, sourceType: 'script' });
  const through = scopes.globalScope?.through ?? [];
  return [...new Set(through.map((ref) => ref.identifier.name))].filter((name) => !globals.has(name));
}
