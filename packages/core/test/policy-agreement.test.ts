import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../src/cli/options.js';
import { POLICY_OPTIONS, policyFromOptions } from '../src/cli/policy-flags.js';
import { policySchema } from '../src/policy/schema.js';
import { mountTypes, policyShape } from '../src/policy/shape.js';
import { normalizeMounts } from '../src/policy/mounts.js';
import { PROFILE_NAMES } from '../src/policy/profiles.js';
import { check, type SchemaNode } from '../src/policy/schema-check.js';

// The policy's shape is written once, in src/policy/shape.ts: the JSON Schema the validator
// interprets, the Policy type (Static of it) and policy.schema.json (written from it by the build).
// This checks the shipped file is that schema, and that the types, the README and the CLI flags agree.

const typesFiles = ['types.ts', 'shape.ts'].map((name) => fileURLToPath(new URL(`../src/policy/${name}`, import.meta.url)));
const program = ts.createProgram(typesFiles, { strict: true, noEmit: true });
const checker = program.getTypeChecker();
const statements = typesFiles.flatMap((file) => program.getSourceFile(file)!.statements);

/** The property names of an exported interface or type alias of types.ts or shape.ts (object members of a union). */
function typeKeys(name: string, property?: string): string[] {
  const declaration = statements.find((s): s is ts.InterfaceDeclaration | ts.TypeAliasDeclaration =>
    (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === name)!;
  let type = checker.getTypeAtLocation(declaration.name);
  if (property !== undefined) type = checker.getNonNullableType(checker.getTypeOfSymbol(type.getProperty(property)!));
  const parts = type.isUnion() ? type.types : [type];
  return [...new Set(parts.filter((t) => (t.flags & ts.TypeFlags.Object) !== 0).flatMap((t) => t.getProperties().map((p) => p.name)))].sort();
}

/** The property names of a schema object (or of the object branches of its anyOf). */
function schemaKeys(node: SchemaNode): string[] {
  const resolved = node.$ref ? policySchema.$defs![node.$ref.split('/').at(-1)!]! : node;
  const objects = [resolved, ...(resolved.anyOf ?? []), ...(resolved.items ? [resolved.items] : [])].filter((n) => n.properties !== undefined);
  return [...new Set(objects.flatMap((n) => Object.keys(n.properties!)))].filter((k) => k !== '$schema').sort();
}

const top = policySchema.properties!;

describe('policy schema and TypeScript types', () => {
  it('the shipped policy.schema.json is the schema of shape.ts (pnpm run build writes it)', () => {
    const shipped: unknown = JSON.parse(readFileSync(new URL('../policy.schema.json', import.meta.url), 'utf8'));
    expect(shipped).toEqual(JSON.parse(JSON.stringify(policyShape)));
  });

  it('name the same top-level fields', () => {
    expect(typeKeys('Policy')).toEqual(schemaKeys(policySchema));
  });

  it.each([['fs'], ['net'], ['namespaces'], ['capabilities']])('name the same fields inside %s', (field) => {
    expect(typeKeys('Policy', field)).toEqual(schemaKeys(top[field]!));
  });

  it('name the same profiles', () => {
    expect(top.profiles!.items!.enum).toEqual([...PROFILE_NAMES]);
  });

  it('name the same fields of a mount', () => {
    expect(typeKeys('PolicyMount')).toEqual(schemaKeys(top.mounts!));
  });

  it.each(Object.keys(mountTypes))('a %s mount takes the fields of its type in the shape, needs its required ones and refuses the others', (type) => {
    const own = mountTypes[type as keyof typeof mountTypes];
    const fields = policySchema.properties!.mounts!.items!.properties!;
    const sample = (key: string): unknown => (fields[key]!.type === 'string' ? '/src' : true);
    const needed = Object.fromEntries((own.required ?? []).map((key) => [key, sample(key)]));
    const mount = (extra: Record<string, unknown>) => () => normalizeMounts([{ type, target: '/mnt', ...needed, ...extra } as never], '/');
    expect(mount({})).not.toThrow();
    for (const key of own.required ?? []) expect(mount({ [key]: undefined })).toThrow(`$.mounts[0].${key}: is required for a ${type} mount`);
    for (const key of Object.keys(fields).filter((k) => k !== 'type' && k !== 'target')) {
      if (Object.hasOwn(own.properties!, key)) expect(mount({ [key]: sample(key) })).not.toThrow();
      else expect(mount({ [key]: sample(key) })).toThrow(`$.mounts[0].${key}: is not allowed for a ${type} mount`);
    }
  });

  it('and the core README shows every field', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /```ts\ninterface Policy \{\n([\s\S]*?)\n\}/.exec(readme)![1]!;
    const shown = [...block.matchAll(/^ {2}(\w+)\?:/gm)].map((m) => m[1]);
    expect([...new Set(shown)].sort()).toEqual(schemaKeys(policySchema));
  });
});

describe('CLI policy flags and the schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exile-agree-'));
  const profile = join(dir, 'profile.json');
  writeFileSync(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW' }));
  /** A sample value for each kind of value the help names; a new kind needs one here. */
  const SAMPLES: Record<string, string[]> = {
    PATH: ['/usr'], PORT: ['80'], 'PORT | SRC DST': ['/usr', '/mnt'], '"VOWS"': ['stdio'], 'all|user,net,…': ['pid'],
    N: ['1'], NAME: ['box'], PROFILE: ['sh'], DIR: ['/usr'], 'SRC DST': ['/usr', '/usr'], CAP: ['chown'],
    RULE: ['{"syscall":"getpid","action":"allow"}'],
  };
  const flags = POLICY_OPTIONS.filter((o) => o.name !== '--policy');
  /** Flags that only refine another one: --allow-write-exec, --no-dev, --make-dev and --socket need a file-system policy to refine. */
  const WITH: Record<string, string[]> = { '--allow-write-exec': ['--rw', '/tmp'], '--no-dev': ['--rw', '/tmp'], '--make-dev': ['--rw', '/tmp'], '--socket': ['--rw', '/tmp'] };

  it.each(flags.map((o) => [o.name, o] as const))('%s (as its help describes its value) sets only policy fields the schema accepts', (name, option) => {
    const values = option.name === '--seccomp-profile' ? [profile] : option.value === undefined ? [] : SAMPLES[option.value];
    expect(values, `no sample for ${option.value}`).toBeDefined();
    const policy = policyFromOptions('run', parseOptions('run', POLICY_OPTIONS, [...WITH[name] ?? [], name, ...values!, '--', 'true']));
    expect(Object.keys(policy).length).toBeGreaterThan(0);
    expect(check(policySchema, policySchema, policy)).toBeUndefined();
    for (const key of Object.keys(policy)) expect(Object.keys(top)).toContain(key);
  });

  it('every schema field is reachable from a flag, or named here as file-only', () => {
    const FILE_ONLY = ['penalty'];
    const reached = new Set(flags.flatMap((o) => {
      const values = o.name === '--seccomp-profile' ? [profile] : o.value === undefined ? [] : SAMPLES[o.value] ?? [];
      return Object.keys(policyFromOptions('run', parseOptions('run', POLICY_OPTIONS, [...WITH[o.name] ?? [], o.name, ...values, '--', 'true'])));
    }));
    expect([...reached, ...FILE_ONLY].sort()).toEqual(schemaKeys(policySchema));
  });

  it('every field of fs is reachable from a flag, or named here as file-only', () => {
    const FILE_ONLY: string[] = [];
    const fsOf = (args: string[]): Record<string, unknown> => {
      const fs = policyFromOptions('run', parseOptions('run', POLICY_OPTIONS, [...args, '--', 'true'])).fs;
      return typeof fs === 'object' ? { ...fs } : {};
    };
    // The fields a flag sets beyond what the flag it refines sets, empty lists left out.
    const reached = new Set(flags.flatMap((o) => {
      const values = o.name === '--seccomp-profile' ? [profile] : o.value === undefined ? [] : SAMPLES[o.value] ?? [];
      const base = fsOf(WITH[o.name] ?? []);
      const fs = fsOf([...WITH[o.name] ?? [], o.name, ...values]);
      return Object.keys(fs).filter((key) => JSON.stringify(fs[key]) !== JSON.stringify(base[key]) && JSON.stringify(fs[key]) !== '[]');
    }));
    expect([...reached, ...FILE_ONLY].sort()).toEqual(schemaKeys(top.fs!));
  });
});
