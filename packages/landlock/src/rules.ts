import { FILE_MASK, FS_RIGHTS, NET_RIGHTS, maskOf } from './rights.js';
import type { NotEnforced, RulesetPlan } from './plan.js';
import type { PathGrant, PortGrant } from './spec.js';

/** How a spec path turned out when opened (O_PATH): a directory, something else, or missing. */
export type PathKind = 'dir' | 'file' | { missing: string };

export interface PathRule {
  path: string;
  allowed: number;
  /** Added with ADD_RULE_QUIET: the plan's quiet rights are not logged on it (and beneath). */
  quiet: boolean;
}

export interface PortRule {
  port: number;
  allowed: number;
  quiet: boolean;
}

/** The rights a rule keeps: masked to the handled set, and to the file rights on a non-directory. */
export function allowedOn(kind: 'dir' | 'file', granted: number, handledFs: number): number {
  const allowed = granted & handledFs;
  return kind === 'file' ? allowed & FILE_MASK : allowed;
}

/** ABI 1 cannot grant refer: cross-directory renames and links are always denied there. */
export function referNote(plan: RulesetPlan, grants: readonly PathGrant[]): NotEnforced[] {
  if (plan.abi !== 1 || !grants.some((grant) => (grant.access & FS_RIGHTS.refer.value) !== 0)) return [];
  return [{ what: 'fs:refer (granted)', reason: 'Landlock ABI 1 always denies renaming or linking across directories' }];
}

/**
 * The rules to add, given the ruleset plan and what each path is. Rights are masked to the handled
 * set (an unhandled right is allowed anyway); a rule on a non-directory keeps only the rights that
 * apply to files; missing paths (already accepted by `missingPaths: 'ignore'`) and rules left with
 * nothing to grant are skipped and reported. A quiet path or port keeps its rule even when it grants
 * nothing (the kernel accepts that for a quiet rule), as long as the plan has quiet rights of its kind.
 */
export function planRules(plan: RulesetPlan, grants: readonly PathGrant[], kinds: ReadonlyMap<string, PathKind>,
  ports: readonly PortGrant[]): { paths: PathRule[]; ports: PortRule[]; notEnforced: NotEnforced[] } {
  const handledFs = maskOf(FS_RIGHTS, plan.handled.fs);
  const handledNet = maskOf(NET_RIGHTS, plan.handled.net);
  const quietPaths = plan.quiet.fs.length > 0;
  const quietPorts = plan.quiet.net.length > 0;
  const notEnforced: NotEnforced[] = [];
  const paths: PathRule[] = [];
  for (const grant of grants) {
    const kind = kinds.get(grant.path);
    const label = `rule ${grant.where.join(', ')} (${grant.path})`;
    if (kind === undefined) throw new Error(`internal: ${grant.path} was not opened`);
    if (typeof kind === 'object') {
      notEnforced.push({ what: label, reason: `skipped: the path does not exist (${kind.missing}); nothing is granted there` });
      continue;
    }
    const allowed = allowedOn(kind, grant.access, handledFs);
    const quiet = quietPaths && grant.quiet === true;
    if (allowed === 0 && (grant.access & handledFs) !== 0) {
      notEnforced.push({ what: label, reason: 'skipped: it grants only directory rights, but the path is not a directory' });
    }
    if (allowed !== 0 || quiet) paths.push({ path: grant.path, allowed, quiet });
  }
  notEnforced.push(...referNote(plan, grants));
  const portRules: PortRule[] = [];
  for (const grant of ports) {
    const allowed = maskOf(NET_RIGHTS, grant.access) & handledNet;
    const quiet = quietPorts && grant.quiet === true;
    if (allowed !== 0 || quiet) portRules.push({ port: grant.port, allowed, quiet });
  }
  return { paths, ports: portRules, notEnforced };
}
