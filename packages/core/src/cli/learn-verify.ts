import type { Diagnosis } from '../diagnose/observer.js';
import { hostFacts } from '../learn/learn.js';
import { refusesOwnNetlink } from '../learn/learned-policy.js';
import { tooWide } from '../learn/path-rules.js';
import type { Observed } from '../learn/recording.js';
import type { Policy } from '../policy/types.js';
import { spawn } from '../spawn/spawn.js';
import type { Violation } from '../violations/violation.js';

/** `read /srv/x: add --ro /srv/x`, `clone(0x1200011) blocked by vows; add "clone" to allow` */
const gapOf = (finding: Violation | Diagnosis): string => ('flag' in finding
  ? `${finding.access} ${finding.path}: add ${finding.flag}`
  : finding.message.replace(/^exile: [^:]*\[\d+\]: /, '').trimEnd());

/**
 * The refusals a policy learned from the run `observed` makes by design, each warned of while
 * learning: the netlink socket "net": false refuses, and a path the run used that exile learn
 * never grants (listing `/`, a home directory whole). Refused again, they are what was learned.
 */
export function refusedByDesign(policy: Policy, observed: Observed): (finding: Violation | Diagnosis) => boolean {
  const netlink = refusesOwnNetlink(policy, observed);
  const { homes } = hostFacts();
  // The line's access words are the recording's (read, list, create, …).
  const used = new Map(observed.files.map((file) => [file.path, new Set<string>(file.access)]));
  return (finding) => ('flag' in finding
    ? tooWide(finding.flag.slice(finding.flag.indexOf(' ') + 1), homes) && used.get(finding.path)?.has(finding.access) === true
    : netlink && finding.by === 'net' && finding.syscall === 'socket' && finding.args[0] === 'AF_NETLINK');
}

/**
 * `exile learn --verify`: CMD again under the learned policy, enforced, with both reports on —
 * the supervisor's vow violations and `--diagnose`'s Landlock denials — each named once with what
 * to add. Resolves to how CMD ended, the gaps found, and the refusals `learned` says the policy
 * makes by design (the learner warned of them: they are no gap).
 */
export function verifyRun(policy: Policy, command: string, args: string[], learned: (finding: Violation | Diagnosis) => boolean):
  Promise<{ code: number | null; signal: NodeJS.Signals | null; gaps: string[]; asLearned: string[] }> {
  const gaps = new Set<string>();
  const asLearned = new Set<string>();
  const child = spawn(policy, command, args, { stdio: 'inherit', dieWithParent: true, diagnose: true, reportViolations: false });
  const found = (finding: Violation | Diagnosis): void => {
    (learned(finding) ? asLearned : gaps).add(gapOf(finding));
  };
  child.on('violation', found);
  child.on('denial', found);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, gaps: [...gaps], asLearned: [...asLearned] }));
  });
}
