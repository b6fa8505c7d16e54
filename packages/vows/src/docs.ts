import { VOW_NAMES } from './names.js';
import type { VowRule } from './definition.js';
import type { ArgCheck } from './policy-types.js';
import { ALWAYS_ALLOWED, ENOSYS_SYSCALLS, SECCOMP_INSTALL_RULES, VOWS } from './table.js';
import { NODE_RUNTIME, type RuntimeEntry } from './runtime-node.js';

// Markdown for the package README, generated from the data (test/readme.test.ts keeps it current).

const num = (value: number | bigint | undefined): string => {
  const n = BigInt(value ?? 0);
  return n < 16n ? n.toString() : `0x${n.toString(16)}`;
};

const OPS: Record<ArgCheck['op'], string> = { eq: '=', ne: '≠', lt: '<', le: '≤', gt: '>', ge: '≥', 'masked-eq': '=' };

function check(c: ArgCheck): string {
  return c.op === 'masked-eq' ? `a${c.index}&${num(c.mask)}=${num(c.value)}` : `a${c.index}${OPS[c.op]}${num(c.value)}`;
}

function condition(rule: VowRule): string {
  const parts = (rule.args ?? []).map(check);
  if (rule.selfPid !== undefined) parts.push(`a${rule.selfPid}=own pid`);
  const text = parts.length === 0 ? 'any' : parts.join(' ∧ ');
  return rule.requires === undefined ? text : `${text} (with ${rule.requires.join('+')})`;
}

const names = (syscall: string | readonly string[]): readonly string[] => (typeof syscall === 'string' ? [syscall] : syscall);

/** Groups rules per syscall list; single-equality rules on one argument collapse into a set. */
function checked(rules: readonly VowRule[]): string {
  const groups = new Map<string, string[]>();
  for (const rule of rules) {
    const key = names(rule.syscall).join('/');
    const list = groups.get(key) ?? [];
    list.push(condition(rule));
    groups.set(key, list);
  }
  return [...groups].map(([syscall, conditions]) => {
    const single = conditions.every((c) => /^a(\d)=[^∧ ]+$/.test(c)) && new Set(conditions.map((c) => c.slice(0, 2))).size === 1;
    const body = single ? `${conditions[0]!.slice(0, 2)} ∈ {${conditions.map((c) => c.slice(3)).join(', ')}}` : conditions.join(' ∨ ');
    return `\`${syscall}\`: ${body}`;
  }).join('<br>');
}

/** The vow table: what each vow allows. */
export function vowTableMarkdown(): string {
  const rows = VOW_NAMES.map((vow) => {
    const d = VOWS[vow];
    const plain = d.syscalls.length === 0 ? '—' : d.syscalls.map((s) => `\`${s}\``).join(' ');
    return `| \`${vow}\` | ${d.description} | ${plain} | ${d.rules.length === 0 ? '—' : checked(d.rules)} |`;
  });
  return [
    '| vow | meaning | syscalls (any arguments) | syscalls with argument checks (aN = argument N; ∧ and, ∨ or) |',
    '|---|---|---|---|',
    ...rows,
    '',
    `Always \`ENOSYS\`, whatever the vows: ${ENOSYS_SYSCALLS.map((s) => `\`${s}\``).join(', ')} (libc falls back to calls whose flags BPF can check).`,
    `Always allowed: ${ALWAYS_ALLOWED.map((s) => `\`${s}\``).join(', ')}, and what the next \`vow()\` needs (${checked(SECCOMP_INSTALL_RULES).replaceAll("<br>", "; ")}).`,
  ].join('\n');
}

/** A runtime list (the Node one by default) with a reason per entry. */
export function runtimeTableMarkdown(entries: readonly RuntimeEntry[] = NODE_RUNTIME, who = 'Node'): string {
  const rows = entries.map((entry) => {
    const shape = entry.args === undefined || entry.args.length === 0 ? 'any' : entry.args.map(check).join(' ∧ ');
    const action = entry.action === undefined ? 'allow' : `errno ${(entry.action as { errno: string }).errno}`;
    return `| ${names(entry.syscall).map((s) => `\`${s}\``).join(' ')} | ${shape} | ${action} | ${entry.reason} |`;
  });
  return [`| syscalls | arguments | action | why ${who} needs it |`, '|---|---|---|---|', ...rows].join('\n');
}
