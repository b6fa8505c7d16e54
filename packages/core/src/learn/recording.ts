import { suggestRule, vowsAllowing, type ObservedCall } from '@exile/vows';
import type { DecodedCall, FileAccess, FileEvent, NetEvent } from './events.js';

/** What one learning run saw, de-duplicated and JSON-ready (`learn()`'s `observed`). */
export interface Observed {
  /** Every path the run touched, with what it did to it. */
  files: { path: string; access: FileAccess[] }[];
  /** Every bind/connect. */
  net: NetEvent[];
  /** One call per distinct shape that matters to the vows (arguments as hex strings), with how often it was seen. */
  syscalls: { syscall: string; args: string[]; count: number }[];
}

const hex = (value: number | bigint): string => `0x${BigInt.asUintN(64, BigInt(value)).toString(16)}`;

/**
 * Collects decoded calls. Calls are kept once per shape that makes a difference to the vows: the
 * same alternatives (`vowsAllowing`), or for calls no vow allows the same suggested rule — so a
 * program opening ten thousand files keeps a handful of calls, not ten thousand.
 */
export class Recording {
  private readonly files = new Map<string, Set<FileAccess>>();
  private readonly net = new Map<string, NetEvent>();
  private readonly calls = new Map<string, { call: ObservedCall; count: number }>();

  add(decoded: DecodedCall): void {
    for (const file of decoded.files) this.files.set(file.path, (this.files.get(file.path) ?? new Set()).add(file.access));
    for (const event of decoded.net) this.net.set(JSON.stringify(event), event);
    const alternatives = vowsAllowing(decoded.call);
    const key = alternatives.length > 0
      ? `${decoded.call.syscall}:${alternatives.map((set) => set.join(' ')).join('|')}`
      : JSON.stringify(suggestRule(decoded.call));
    const seen = this.calls.get(key);
    if (seen === undefined) this.calls.set(key, { call: decoded.call, count: 1 });
    else seen.count++;
  }

  fileEvents(): FileEvent[] {
    return [...this.files].flatMap(([path, accesses]) => [...accesses].map((access) => ({ kind: 'file' as const, access, path })));
  }

  netEvents(): NetEvent[] {
    return [...this.net.values()];
  }

  observedCalls(): ObservedCall[] {
    return [...this.calls.values()].map(({ call }) => call);
  }

  observed(): Observed {
    return {
      files: [...this.files].map(([path, accesses]) => ({ path, access: [...accesses].sort() })).sort((a, b) => a.path.localeCompare(b.path)),
      net: this.netEvents(),
      syscalls: [...this.calls.values()].map(({ call, count }) => ({ syscall: call.syscall, args: (call.args ?? []).map(hex), count }))
        .sort((a, b) => a.syscall.localeCompare(b.syscall)),
    };
  }
}
