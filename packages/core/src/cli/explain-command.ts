import { ErrorCodes, ExileError } from '@exile/common';
import type { Features } from '../features.js';
import { plan } from '../plan/plan.js';
import { startsChild, type Plan, type Step, type Target, type View } from '../plan/types.js';
import type { PolicyMount } from '../policy/types.js';
import { validatePolicy } from '../policy/validate.js';
import { probe } from '../probe.js';
import { optionHelp, parseOptions, type OptionSpec } from './options.js';
import { POLICY_OPTIONS, policyFromOptions } from './policy-flags.js';
import { SHARE_SESSION } from './session-flag.js';
import { renderFilters } from './bpf.js';
import { table } from './table.js';
import { UsageError } from './usage-error.js';

const OPTIONS: readonly OptionSpec[] = [
  ...POLICY_OPTIONS,
  { name: '--in-process', help: 'explain enable() in a running process instead of exile run / spawn()' },
  { name: '--launch', help: 'explain launch(): a Node child, seccomp installed once its target is loaded' },
  SHARE_SESSION,
  { name: '--bpf', help: 'also print the disassembly of every seccomp filter' },
  { name: '--json', help: 'print the plan as JSON' },
  { name: '--help', help: 'show this help' },
];

export const EXPLAIN_USAGE = `usage: exile explain [options]

Shows what would be enforced on this kernel and how: the steps in the order they run, and every
requested item with the mechanism that enforces it, or why it cannot be. Changes nothing.

options:
${optionHelp(OPTIONS)}`;

function describeView(view: View | undefined): string[] {
  if (view === undefined) return [];
  const mount = (m: PolicyMount): string => m.type === 'bind' ? `${m.readOnly ? 'ro-' : ''}${m.devices ? 'dev-' : ''}bind ${m.source} → ${m.target}` : `${m.type} ${m.target}`;
  return [
    ...(view.uid !== undefined ? [`uid ${view.uid}`] : []),
    ...(view.gid !== undefined ? [`gid ${view.gid}`] : []),
    ...(view.hostname !== undefined ? [`hostname ${view.hostname}`] : []),
    ...(view.mounts ?? []).map(mount),
  ];
}

function describeStep(s: Step, target: Target): string {
  switch (s.step) {
    case 'namespaces': return [(['user', 'mount', 'net', 'pid', 'ipc', 'uts', 'cgroup'] as const).filter((n) => s[n]).join(' '), ...describeView(s.view)].join('; ');
    case 'mounts': return `bind read-only: ${[...new Set([...s.read, ...s.exec])].join(' ') || '-'}; read-write: ${s.write.join(' ') || '-'}${s.devices ? '; a minimal /dev' : ''}`;
    case 'caps': return s.keep.length === 0 ? 'drop all' : `keep ${s.keep.join(' ')}`;
    case 'no-new-privs': return 'PR_SET_NO_NEW_PRIVS';
    case 'landlock': return `${[...(s.spec.fs ? ['fs rules'] : []), ...(s.spec.net ? ['TCP port rules'] : []), ...(s.spec.scope ? [`scopes ${s.spec.scope.join(' ')}`] : [])].join(' + ')} (${s.spec.compat})${startsChild(target) ? ', by exile-launch right before exec' : ''}`;
    case 'seccomp': return `${s.rules.length} rule(s)${s.vows ? ` + vows "${s.vows.join(' ')}" (penalty ${s.penalty})` : ', default allow'}${target === 'launch' ? ', by the child once its target is loaded' : ''}`
      + (s.profile ? `; then the seccomp profile: ${s.profile.rules.length} rule(s), default ${JSON.stringify(s.profile.defaultAction)}` : '');
  }
}

const FOR: Record<Target, string> = { process: 'enable() in this process', child: 'exile run / spawn()', launch: 'launch()' };

/** Human-readable form of a plan. */
export function renderPlan(p: Plan, f: Features, refused?: string): string {
  const head = table([
    ['for', FOR[p.target]],
    ['mode', refused === undefined ? p.mode : 'strict — REFUSED (shown as best-effort below)'],
    ['kernel', `${f.kernel} ${f.arch}, Landlock ${f.landlock.status === 'available' ? `ABI ${f.landlock.abi}` : f.landlock.status}, `
      + `seccomp ${f.seccomp.available ? (f.seccomp.tsync ? 'with TSYNC' : 'without TSYNC') : 'no'}, user namespaces ${f.userNamespaces.available ? 'yes' : 'no'}`],
  ]);
  const steps = p.steps.map((s, i) => `  ${i + 1}. ${s.step.padEnd(12)} ${describeStep(s, p.target)}`).join('\n');
  const items = table(p.items.map((i) => [`  ${i.enforced ? 'yes' : 'NO '}  ${i.what}`, `${i.mechanism}${i.detail ? ` — ${i.detail}` : ''}`]));
  return `${head}\nsteps, in order:\n${steps}\n\nenforced:\n${items}${refused === undefined ? '' : `\n${refused}\n`}`;
}

/** `exile explain [options]` */
export function explainCommand(args: string[], out: (text: string) => void): number {
  const parsed = parseOptions('explain', OPTIONS, args);
  if (parsed.values.has('--help')) {
    out(EXPLAIN_USAGE);
    return 0;
  }
  if (parsed.rest.length > 0) throw new UsageError(`exile explain: unexpected argument ${parsed.rest[0]}`);
  if (parsed.values.has('--in-process') && parsed.values.has('--launch')) throw new UsageError('exile explain: --in-process and --launch exclude each other');
  const target: Target = parsed.values.has('--in-process') ? 'process' : parsed.values.has('--launch') ? 'launch' : 'child';
  const policy = validatePolicy(policyFromOptions('explain', parsed));
  const features = probe();
  const start = { newSession: !parsed.values.has(SHARE_SESSION.name) };
  let result: Plan;
  let refused: string | undefined;
  try {
    result = plan(policy, features, target, start);
  } catch (error) {
    if (!(error instanceof ExileError) || error.code !== ErrorCodes.UNSUPPORTED || policy.mode !== 'strict') throw error;
    refused = `strict mode would refuse: ${error.message}`;
    result = plan({ ...policy, mode: 'best-effort' }, features, target, start);
  }
  out(parsed.values.has('--json') ? JSON.stringify({ ...result, refused }, null, 2) + '\n' : renderPlan(result, features, refused));
  if (parsed.values.has('--bpf')) out(renderFilters(result));
  return 0;
}
