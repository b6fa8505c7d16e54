import type { CompiledVows } from '@exile/vows';

/**
 * The launch protocol, between the parent and a launched Node child:
 * - fd 3, both ways: messages, each a 4-byte little-endian length (at most MAX_FRAME) and v8's
 *   structured-clone serialization. Parent → child: a Start (this child's own token), one Setup
 *   (the same bytes for every child of one plan: framed once), then Calls. Child → parent: Ready
 *   once the target is loaded, the filter installed and the Setup's warm-up calls made, then one
 *   Answer per Call; an error answer marked `final` says the child is ending (it takes no more
 *   calls), one before Ready marked `warmup` that a warm-up call failed.
 * - fd 4, child → parent: the vows reporter's record of a violation that kills (a token the
 *   parent chose, then the call: pid, syscall number, arguments — `@exile/vows`'
 *   `readViolationRecord()`), written by the SIGSYS handler itself; the parent explains it with
 *   `violationReport()`, the words the reporter wrote on the child's stderr.
 * Everything the child sends is hostile input: the function runs there.
 */

/** The largest message either side accepts (64 MiB): a bigger answer is refused, not buffered. */
export const MAX_FRAME = 64 * 1024 * 1024;

/** What the child loads and how it restricts itself before it says Ready. */
export interface Setup {
  target: { source: string } | { module: string };
  /** The seccomp filter the child installs on itself once the target is loaded, compiled for its pid. */
  seccomp?: CompiledVows;
  /** Calls the child makes on its own once the filter is installed, before it says Ready (a pool's `warmup`). */
  warmup?: Warmup[];
}

/** The first message: what is this child's alone. */
export interface Start {
  /** The token the vows reporter writes before its record on fd 4. */
  token: Uint8Array;
}

/** A call the child makes `times` times, one after another, with a fresh copy of `args` each time. */
export interface Warmup {
  export: string;
  args: unknown[];
  times: number;
}

/** One call: an export of the module (absent for a function sent by source) and its arguments. */
export interface Call {
  export?: string;
  args: unknown[];
}

/** An error as it crosses back: enough to rebuild it with its name, message, stack and code. */
export interface SentError {
  name: string;
  message: string;
  stack?: string;
  code?: string | number;
  details?: Record<string, unknown>;
  /** A system error's call and what it was done to (Node's `error.syscall`, `path`, `dest`, `port`): what explains a denial. */
  syscall?: string;
  path?: string;
  dest?: string;
  port?: number;
}

/** The system-error fields a SentError may carry, with their type. */
export const SYSTEM_ERROR_FIELDS = { syscall: 'string', path: 'string', dest: 'string', port: 'number' } as const;

/** What the child sends. An error before Ready with `warmup` (an index of Setup.warmup) is that warm-up's. */
export type ChildMessage = { type: 'ready' } | { type: 'result'; value: unknown } | { type: 'error'; error: SentError; final?: true; warmup?: number };

/** The channel carried something that is not the protocol (bad length, bytes v8 cannot read, a wrong shape). */
export class ProtocolError extends Error {}

/** node:v8 on first use: it loads the heap snapshot tools and the streams, which import() has no use for. */
export const v8 = (): typeof import('node:v8') => process.getBuiltinModule('node:v8');

/** One message on the launch channel. Throws (RangeError) when it would not fit in a frame. */
export function frame(value: unknown): Buffer {
  const body = v8().serialize(value);
  if (body.length > MAX_FRAME) throw new RangeError(`the message is ${body.length} bytes serialized; the launch channel carries at most ${MAX_FRAME}`);
  const head = Buffer.alloc(4);
  head.writeUInt32LE(body.length);
  return Buffer.concat([head, body]);
}

function decode(body: Buffer): unknown {
  try {
    return v8().deserialize(body);
  } catch (error) {
    throw new ProtocolError(`a message could not be decoded: ${(error as Error).message}`);
  }
}

function lengthOf(head: Buffer): number {
  const length = head.readUInt32LE(0);
  if (length > MAX_FRAME) throw new ProtocolError(`a frame announced ${length} bytes; the limit is ${MAX_FRAME}`);
  return length;
}

/**
 * Reads one message with `readExactly(n)`, which returns exactly n bytes (the child's blocking
 * read), or undefined when the channel ended before a new message began.
 */
export function readMessage(readExactly: (n: number) => Buffer | undefined): unknown {
  const head = readExactly(4);
  if (head === undefined) return undefined;
  const body = readExactly(lengthOf(head));
  if (body === undefined) throw new ProtocolError('the channel ended inside a message');
  return decode(body);
}

/**
 * Feeds chunks from the channel; calls `onMessage` for each complete message. Throws
 * ProtocolError on a frame over the limit or bytes that do not decode; buffers at most one frame.
 */
export function deframer(onMessage: (value: unknown) => void): (chunk: Buffer) => void {
  let head = Buffer.alloc(0);
  let body: Buffer | undefined;
  let filled = 0;
  return (chunk) => {
    while (chunk.length > 0) {
      if (body === undefined) {
        const take = Math.min(4 - head.length, chunk.length);
        head = Buffer.concat([head, chunk.subarray(0, take)]);
        chunk = chunk.subarray(take);
        if (head.length < 4) return;
        body = Buffer.allocUnsafe(lengthOf(head));
        filled = 0;
      }
      const take = Math.min(body.length - filled, chunk.length);
      chunk.copy(body, filled, 0, take);
      filled += take;
      chunk = chunk.subarray(take);
      if (filled < body.length) return;
      const complete = body;
      head = Buffer.alloc(0);
      body = undefined;
      onMessage(decode(complete));
    }
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const optional = (value: unknown, ...types: string[]): boolean => value === undefined || types.includes(typeof value);

const own = (value: Record<string, unknown>, key: string): unknown => (Object.hasOwn(value, key) ? value[key] : undefined);

/** Checks a decoded message from the child against the protocol's shapes (own properties only); ProtocolError if it is anything else. */
export function childMessage(value: unknown): ChildMessage {
  if (isRecord(value)) {
    const type = own(value, 'type');
    if (type === 'ready' && Object.keys(value).length === 1) return { type: 'ready' };
    if (type === 'result' && Object.hasOwn(value, 'value')) return { type: 'result', value: value.value };
    const error = own(value, 'error');
    const final = own(value, 'final');
    const warmup = own(value, 'warmup');
    if (type === 'error' && isRecord(error) && (final === undefined || final === true) && (warmup === undefined || (Number.isSafeInteger(warmup) && (warmup as number) >= 0))) {
      const [name, message, stack, code, details] = ['name', 'message', 'stack', 'code', 'details'].map((key) => own(error, key));
      const system = Object.entries(SYSTEM_ERROR_FIELDS).map(([key, type]) => [key, own(error, key), type] as const);
      if (typeof name === 'string' && typeof message === 'string' && optional(stack, 'string') && optional(code, 'string', 'number')
        && (details === undefined || isRecord(details)) && system.every(([, value, type]) => optional(value, type))) {
        return { type: 'error', error: {
          name, message,
          ...(stack === undefined ? {} : { stack: stack as string }),
          ...(code === undefined ? {} : { code: code as string | number }),
          ...(details === undefined ? {} : { details }),
          ...Object.fromEntries(system.filter(([, value]) => value !== undefined).map(([key, value]) => [key, value])),
        }, ...(final === true ? { final } : {}), ...(warmup === undefined ? {} : { warmup: warmup as number }) };
      }
    }
  }
  throw new ProtocolError('the child sent a message that is not part of the launch protocol');
}
