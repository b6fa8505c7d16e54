import { posix } from 'node:path';
import { deniesPort, missingFsRights, type FsOperation, type RulesetModel } from '@exile/landlock';
import type { Denial } from '../denial/explain-denial.js';
import type { DecodedCall, EntryKind, FileAccess, FileEvent } from '../learn/events.js';
import { grantUnitOf } from '../learn/path-rules.js';

/** A Landlock denial `exile run --diagnose` predicts for a call, with the `exile run` flag that allows it. */
export interface PredictedDenial extends Denial {
  by: 'landlock';
  /** `--ro /etc/hostname` */
  flag: string;
}

/** The Landlock operation behind each access the decoder reports (chmod/chown have no Landlock right). */
const FILE_OPERATIONS: Readonly<Record<Exclude<FileAccess, 'create' | 'remove' | 'attr'>, FsOperation>> = {
  read: 'read', list: 'list', write: 'write', truncate: 'truncate', exec: 'execute',
};
const MAKE: Readonly<Record<EntryKind, FsOperation>> = {
  reg: 'make-reg', dir: 'make-dir', sym: 'make-sym', sock: 'make-sock', fifo: 'make-fifo', char: 'make-char', block: 'make-block',
};

function operationOf(event: FileEvent): FsOperation | undefined {
  if (event.access === 'create') return MAKE[event.entry ?? 'reg'];
  if (event.access === 'remove') return event.entry === 'dir' ? 'remove-dir' : 'remove-file';
  return event.access === 'attr' ? undefined : FILE_OPERATIONS[event.access];
}

type FsList = 'read' | 'write' | 'exec' | 'makeDevices' | 'sockets';

/** How each operation is said in the line, and the policy list (and `exile run` flag) that grants it. */
const GRANTS: Readonly<Record<FsOperation, { word: string; list: FsList; flag: string }>> = {
  'read': { word: 'read', list: 'read', flag: '--ro' },
  'list': { word: 'list', list: 'read', flag: '--ro' },
  'execute': { word: 'exec', list: 'exec', flag: '--rox' },
  'write': { word: 'write', list: 'write', flag: '--rw' },
  'truncate': { word: 'truncate', list: 'write', flag: '--rw' },
  'make-reg': { word: 'create', list: 'write', flag: '--rw' },
  'make-dir': { word: 'create', list: 'write', flag: '--rw' },
  'make-sym': { word: 'create', list: 'write', flag: '--rw' },
  'make-sock': { word: 'create', list: 'write', flag: '--rw' },
  'make-fifo': { word: 'create', list: 'write', flag: '--rw' },
  'make-char': { word: 'create', list: 'makeDevices', flag: '--make-dev' },
  'make-block': { word: 'create', list: 'makeDevices', flag: '--make-dev' },
  'remove-file': { word: 'remove', list: 'write', flag: '--rw' },
  'remove-dir': { word: 'remove', list: 'write', flag: '--rw' },
  'refer': { word: 'move', list: 'write', flag: '--rw' },
  'connect-unix': { word: 'connect to the socket', list: 'sockets', flag: '--socket' },
};

/** The denial of `operation` on `shown`, checked on `where`: a file-system grant names the unit exile learn grants (`…/.git` whole). */
function denial(operation: FsOperation, shown: string, checked: string): PredictedDenial {
  const grant = GRANTS[operation];
  const where = grant.list === 'read' || grant.list === 'write' || grant.list === 'exec' ? grantUnitOf(checked) : checked;
  return { by: 'landlock', access: grant.word, path: shown, fix: `add ${JSON.stringify(where)} to fs.${grant.list}`,
    flag: `${grant.flag} ${where}` };
}

function fsDenials(model: RulesetModel, call: DecodedCall): PredictedDenial[] {
  const found: PredictedDenial[] = [];
  for (const event of call.files) {
    const operation = operationOf(event);
    if (operation === undefined) continue;
    const { path, missing } = missingFsRights(model, operation, event.path);
    if (missing.length > 0) found.push(denial(operation, event.path, path));
  }
  // Into another directory, the kernel also checks refer on both ends.
  const moved = call.moved;
  if (moved !== undefined && posix.dirname(moved.from) !== posix.dirname(moved.to)) {
    for (const end of [moved.from, moved.to]) {
      const { path, missing } = missingFsRights(model, 'refer', end);
      if (missing.length > 0) found.push(denial('refer', moved.from, path));
    }
  }
  return found;
}

function netDenials(model: RulesetModel, call: DecodedCall): PredictedDenial[] {
  return call.net.flatMap((event): PredictedDenial[] => {
    if (event.family === 'unix') {
      // Landlock checks the socket file itself (ABI 9); an abstract socket has none.
      if (event.op !== 'connect' || event.path === undefined) return [];
      const { path, missing } = missingFsRights(model, 'connect-unix', event.path);
      return missing.length > 0 ? [denial('connect-unix', event.path, path)] : [];
    }
    // UDP is the seccomp filter's to refuse (the network policy names TCP ports only).
    if (event.protocol !== 'tcp' || event.port === undefined || !deniesPort(model, event.op === 'bind' ? 'bind-tcp' : 'connect-tcp', event.port)) return [];
    return [{ by: 'landlock', access: event.op, path: `TCP port ${event.port}`, fix: `add ${event.port} to net.${event.op}`, flag: `--${event.op} ${event.port}` }];
  });
}

/**
 * What Landlock will refuse of a decoded call under the ruleset `model`, each with what to add:
 * the same rights algebra the kernel applies (`@exile/landlock`'s evaluator), per ABI. Pure.
 */
export function predictDenials(model: RulesetModel, call: DecodedCall): PredictedDenial[] {
  return [...fsDenials(model, call), ...netDenials(model, call)];
}

/** `exile: cat[1234]: read /etc/hostname denied by the file-system policy; add --ro /etc/hostname` */
export function denialLine(command: string, pid: number, d: PredictedDenial): string {
  const policy = d.access === 'bind' || d.access === 'connect' ? 'network' : 'file-system';
  return `exile: ${command}[${pid}]: ${d.access} ${d.path} denied by the ${policy} policy; add ${d.flag}\n`;
}
