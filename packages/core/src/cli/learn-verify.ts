import type { Diagnosis } from '../diagnose/observer.js';
import type { Policy } from '../policy/types.js';
import { spawn } from '../spawn/spawn.js';
import type { Violation } from '../violations/violation.js';

/** `read /srv/x: add --ro /srv/x`, `clone(0x1200011) blocked by vows; add "clone" to allow` */
const gapOf = (finding: Violation | Diagnosis): string => ('flag' in finding
  ? `${finding.access} ${finding.path}: add ${finding.flag}`
  : finding.message.replace(/^exile: [^:]*\[\d+\]: /, '').trimEnd());

/**
 * `exile learn --verify`: CMD again under the learned policy, enforced, with both reports on —
 * the supervisor's vow violations and `--diagnose`'s Landlock denials — each named once with what
 * to add. Resolves to how CMD ended and the gaps found.
 */
export function verifyRun(policy: Policy, command: string, args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; gaps: string[] }> {
  const gaps = new Set<string>();
  const child = spawn(policy, command, args, { stdio: 'inherit', dieWithParent: true, diagnose: true, reportViolations: false });
  const found = (finding: Violation | Diagnosis): void => { gaps.add(gapOf(finding)); };
  child.on('violation', found);
  child.on('denial', found);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, gaps: [...gaps] }));
  });
}
