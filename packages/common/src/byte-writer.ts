const utf8 = new TextEncoder();

/**
 * Appends little-endian fields to one growing buffer (no buffer per field: a Landlock ruleset may
 * hold thousands of rules): the writer of the wire formats exile-launch reads, `@exile/namespaces`'
 * plan and `@exile/landlock`'s ruleset. `bytes` and `str` are a u32 length and that many bytes.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private at: number;

  /** `start`: bytes reserved at the front (a header written last with `setU32`). */
  constructor(start = 0) {
    this.buf = new Uint8Array(Math.max(4096, start));
    this.view = new DataView(this.buf.buffer);
    this.at = start;
  }

  /** How many bytes are written (the offset of the next field). */
  get length(): number {
    return this.at;
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u32(value: number): this {
    this.room(4);
    this.view.setUint32(this.at, value >>> 0, true);
    this.at += 4;
    return this;
  }

  u64(value: bigint): this {
    this.room(8);
    this.view.setBigUint64(this.at, BigInt.asUintN(64, value), true);
    this.at += 8;
    return this;
  }

  bytes(value: Uint8Array): this {
    this.u32(value.length);
    this.room(value.length);
    this.buf.set(value, this.at);
    this.at += value.length;
    return this;
  }

  /** A string as UTF-8 `bytes`. */
  str(value: string): this {
    this.room(4 + value.length * 3);
    const { written } = utf8.encodeInto(value, this.buf.subarray(this.at + 4));
    this.view.setUint32(this.at, written, true);
    this.at += 4 + written;
    return this;
  }

  /** Overwrites a u32 written earlier (a length or a header field). */
  setU32(offset: number, value: number): this {
    this.view.setUint32(offset, value >>> 0, true);
    return this;
  }

  /** A copy of the bytes written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}
