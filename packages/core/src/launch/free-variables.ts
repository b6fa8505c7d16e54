import { parse } from 'acorn';

/** An ESTree node as acorn produces it; only what the walk needs. */
interface Node {
  type: string;
  [key: string]: unknown;
}

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';

/** Child nodes with the key they hang from. */
function* children(node: Node): Generator<[string, Node]> {
  for (const [key, value] of Object.entries(node)) {
    if (Array.isArray(value)) for (const item of value) if (isNode(item)) yield [key, item];
    if (isNode(value)) yield [key, value];
  }
}

/** Identifier positions that name something other than a variable: `a.b`, `{ b: 1 }`, labels, ... */
function isNameOnly(parent: Node, key: string): boolean {
  switch (parent.type) {
    case 'MemberExpression': return key === 'property' && parent.computed !== true;
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition': return key === 'key' && parent.computed !== true;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement': return key === 'label';
    case 'MetaProperty': return true;
    default: return false;
  }
}

/** Names a binding pattern declares. */
function bound(pattern: Node | null | undefined, into: Set<string>): void {
  if (!pattern) return;
  switch (pattern.type) {
    case 'Identifier': into.add(pattern.name as string); break;
    case 'ObjectPattern': for (const p of pattern.properties as Node[]) bound(p.type === 'RestElement' ? p : (p.value as Node), into); break;
    case 'ArrayPattern': for (const e of pattern.elements as (Node | null)[]) bound(e, into); break;
    case 'AssignmentPattern': bound(pattern.left as Node, into); break;
    case 'RestElement': bound(pattern.argument as Node, into); break;
  }
}

function declarations(node: Node, into: Set<string>): void {
  switch (node.type) {
    case 'VariableDeclarator': bound(node.id as Node, into); break;
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      bound(node.id as Node | null, into);
      for (const p of node.params as Node[]) bound(p, into);
      break;
    case 'ClassDeclaration':
    case 'ClassExpression': bound(node.id as Node | null, into); break;
    case 'CatchClause': bound(node.param as Node | null, into); break;
  }
}

/**
 * The identifiers a function's source uses but neither declares nor finds among `globals` —
 * what it closes over, which a child given only its source would not have. Parses with acorn;
 * a name declared anywhere inside counts as declared (scopes are not told apart), so an exotic
 * closure may slip through (the child then throws a ReferenceError) but a self-contained
 * function is never refused. Throws a SyntaxError for source that is not a function expression
 * (native or bound functions, method shorthand).
 */
export function freeVariables(source: string, globals: ReadonlySet<string>): string[] {
  const root = parse(`(${source});`, { ecmaVersion: 'latest', sourceType: 'script' }) as unknown as Node;
  const declared = new Set<string>();
  const used: string[] = [];
  const walk = (node: Node, parent?: Node, key?: string): void => {
    declarations(node, declared);
    if (node.type === 'Identifier' && !(parent && key !== undefined && isNameOnly(parent, key))) used.push(node.name as string);
    for (const [k, child] of children(node)) walk(child, node, k);
  };
  walk(root);
  return [...new Set(used)].filter((name) => !declared.has(name) && !globals.has(name) && name !== 'arguments');
}
