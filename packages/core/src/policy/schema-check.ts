import { jsonPath } from '@exile/common';

/**
 * A small interpreter for the subset of JSON Schema that policy.schema.json uses, so the
 * shipped schema is the one source of truth for the shape of a policy. Returns the first
 * problem with the JSON path of the bad part (`$.fs.read[1]`), or undefined.
 */
export interface SchemaNode {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean;
  required?: string[];
  items?: SchemaNode;
  minItems?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  anyOf?: SchemaNode[];
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
}

export interface SchemaProblem {
  path: string;
  message: string;
}

/** JSON type name of a value; bigint counts as an integer (policies built in JS may use it). */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'bigint') return 'integer';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(node: SchemaNode, value: unknown): boolean {
  if (node.type === undefined) return true;
  const actual = jsonType(value);
  const wanted = Array.isArray(node.type) ? node.type : [node.type];
  return wanted.includes(actual) || (actual === 'integer' && wanted.includes('number'));
}

function describe(node: SchemaNode): string {
  if (node.enum !== undefined) return node.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  return Array.isArray(node.type) ? node.type.join(' | ') : node.type ?? 'anything';
}

function resolve(root: SchemaNode, node: SchemaNode): SchemaNode {
  if (node.$ref === undefined) return node;
  const name = /^#\/\$defs\/(.+)$/.exec(node.$ref)?.[1];
  const target = name === undefined || root.$defs === undefined || !Object.hasOwn(root.$defs, name) ? undefined : root.$defs[name];
  if (target === undefined) throw new Error(`policy schema: unresolvable $ref ${node.$ref}`);
  return target;
}

function checkAnyOf(root: SchemaNode, branches: SchemaNode[], value: unknown, path: string): SchemaProblem | undefined {
  const resolved = branches.map((b) => resolve(root, b));
  // Only branches of the value's JSON type can explain a failure; report the first of those.
  const candidates = resolved.filter((b) => typeMatches(b, value));
  if (candidates.length === 0) {
    return { path, message: `must be ${resolved.map(describe).join(' or ')}, got ${jsonType(value)}` };
  }
  let first: SchemaProblem | undefined;
  for (const branch of candidates) {
    const problem = check(root, branch, value, path);
    if (problem === undefined) return undefined;
    first ??= problem;
  }
  return first;
}

function checkObject(root: SchemaNode, node: SchemaNode, value: Record<string, unknown>, path: string): SchemaProblem | undefined {
  for (const name of node.required ?? []) {
    // Own only, as below: an object of another prototype (kept as is by ownData) inherits nothing into a check.
    if (!Object.hasOwn(value, name) || value[name] === undefined) return { path: jsonPath(path, name), message: 'is required' };
  }
  for (const [name, child] of Object.entries(value)) {
    // Own properties only: `constructor`, `__proto__` and friends are unknown keys like any other.
    const childNode = node.properties !== undefined && Object.hasOwn(node.properties, name) ? node.properties[name] : undefined;
    if (childNode === undefined) {
      if (node.additionalProperties === false) {
        const known = Object.keys(node.properties ?? {}).filter((k) => k !== '$schema');
        return { path: jsonPath(path, name), message: `is not allowed here (expected one of: ${known.join(', ')})` };
      }
      continue;
    }
    if (child === undefined) continue;
    const problem = check(root, childNode, child, jsonPath(path, name));
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checkScalar(node: SchemaNode, value: unknown, path: string): SchemaProblem | undefined {
  if (node.const !== undefined && value !== node.const) return { path, message: `must be ${JSON.stringify(node.const)}` };
  if (node.enum !== undefined && !node.enum.includes(value)) {
    return { path, message: `must be one of ${describe(node)}, got ${JSON.stringify(value)}` };
  }
  if (typeof value === 'string') {
    if (node.minLength !== undefined && value.length < node.minLength) return { path, message: 'must not be empty' };
    if (node.pattern !== undefined && !new RegExp(node.pattern).test(value)) return { path, message: `must match ${node.pattern}` };
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (node.minimum !== undefined && value < node.minimum) return { path, message: `must be >= ${node.minimum}, got ${value}` };
    if (node.maximum !== undefined && value > node.maximum) return { path, message: `must be <= ${node.maximum}, got ${value}` };
  }
  return undefined;
}

/** Checks `value` against `node` (a part of `root`); the first problem found, depth first. */
export function check(root: SchemaNode, node: SchemaNode, value: unknown, path = '$'): SchemaProblem | undefined {
  node = resolve(root, node);
  if (node.anyOf !== undefined) return checkAnyOf(root, node.anyOf, value, path);
  if (!typeMatches(node, value)) return { path, message: `must be ${describe(node)}, got ${jsonType(value)}` };
  if (Array.isArray(value)) {
    if (node.minItems !== undefined && value.length < node.minItems) return { path, message: `must have at least ${node.minItems} item(s)` };
    if (node.items === undefined) return undefined;
    for (let i = 0; i < value.length; i++) {
      const problem = check(root, node.items, value[i], jsonPath(path, i));
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (jsonType(value) === 'object') return checkObject(root, node, value as Record<string, unknown>, path);
  return checkScalar(node, value, path);
}
