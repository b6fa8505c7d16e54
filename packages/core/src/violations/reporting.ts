import type { ChildProcess, StdioOptions } from 'node:child_process';
import { writeSync } from 'node:fs';
import type { Diagnosis } from '../diagnose/observer.js';
import type { Reports } from './supervisor.js';
import type { Violation } from './violation.js';

/**
 * Where a violation line goes for `spawn()`: the child's stderr as its user sees it — our own
 * stderr when inherited, the fd it was given, or the `child.stderr` stream of a pipe.
 */
export function stderrOf(stdio: StdioOptions | undefined, child: ChildProcess): ((line: string) => void) | undefined {
  const given = stdio === undefined ? 'pipe' : typeof stdio === 'string' ? stdio : stdio[2] ?? 'pipe';
  if (given === 'inherit' || given === process.stderr) return (line) => process.stderr.write(line);
  if (typeof given === 'number') return (line) => writeSync(given, line);
  const stream = child.stderr;
  if (given === 'pipe' || given === 'overlapped') {
    return stream === null ? undefined : (line) => {
      if (!stream.readableEnded && !stream.destroyed) stream.push(line);
    };
  }
  return undefined;
}

/** The line reporter, and whether a process was killed for a call it named (then a failure has its
 *  cause on stderr; a call failed with an errno may have been gone without, as npm goes on without
 *  the network interfaces under --no-net, and says nothing of a failure). */
export interface LineReporter extends Reports<ChildProcess> {
  killed(): boolean;
}

/**
 * One line per distinct violation or predicted denial (the same call from many processes is one;
 * refusals by the network policy are one per fix: `--no-net` refusing a netlink and a UDP socket
 * is one cause), every event emitted: `'violation'`, and `'denial'` under `diagnose`.
 */
export function lineReporter(write: ((line: string) => void) | undefined): LineReporter {
  const seen = new Set<string>();
  let killed = false;
  const emit = (event: string, finding: Violation | Diagnosis, child: ChildProcess): void => {
    child.emit(event, finding);
    if ('action' in finding && finding.action === 'kill') killed = true;
    const key = finding.by === 'net' ? `net: ${finding.fix}` : finding.message.replace(/^exile: [^:]*\[\d+\]: /, '');
    if (write !== undefined && !seen.has(key)) {
      seen.add(key);
      write(finding.message);
    }
  };
  return {
    violation: (violation, child) => emit('violation', violation, child),
    denial: (denial, child) => emit('denial', denial, child),
    killed: () => killed,
  };
}
