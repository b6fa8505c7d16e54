import { deserialize, serialize } from 'node:v8';
import type { CompiledVows } from '@exile/vows';

/** What the parent sends the launched child (structured clone over fd 3). */
export interface LaunchRequest {
  target: { source: string } | { module: string; export: string };
  args: unknown[];
  /** The seccomp filter the child installs on itself once the target is loaded, compiled for its pid. */
  seccomp?: CompiledVows;
}

/** An error as it crosses back: enough to rebuild it with its name, message, stack and code. */
export interface SentError {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  details?: unknown;
}

/** The child's one answer. */
export type LaunchResponse = { ok: true; value: unknown } | { ok: false; error: SentError };

/** A Report line from the vows SIGSYS handler: `exile: socket(2) blocked by vows; add "inet" to allow`. */
export function parseViolation(stderr: string): { syscall: string; vows: string[]; line: string } | undefined {
  const m = /^exile: (\w+)\(2\) blocked by vows; (?:add (.+) to allow|no vow allows it)$/m.exec(stderr);
  if (m === null) return undefined;
  return { syscall: m[1]!, vows: [...(m[2] ?? '').matchAll(/"(\w+)"/g)].map((v) => v[1]!), line: m[0] };
}

/** One message on the launch channel: a 4-byte length, then v8's structured-clone serialization. */
export function frame(value: unknown): Buffer {
  const body = serialize(value);
  const head = Buffer.alloc(4);
  head.writeUInt32LE(body.length);
  return Buffer.concat([head, body]);
}

/** Reads one message with `readExactly(n)`, which returns exactly n bytes (the child's blocking read). */
export function readMessage(readExactly: (n: number) => Buffer): unknown {
  return deserialize(readExactly(readExactly(4).readUInt32LE(0)));
}

/** Feeds chunks from the channel; calls `onMessage` for each complete message. */
export function deframer(onMessage: (value: unknown) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32LE(0)) {
      const length = pending.readUInt32LE(0);
      onMessage(deserialize(pending.subarray(4, 4 + length)));
      pending = pending.subarray(4 + length);
    }
  };
}
