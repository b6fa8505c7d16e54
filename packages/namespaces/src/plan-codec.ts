import { ByteWriter, ErrorCodes, ExileError } from '@exile/common';
import { CloneFlags, STEP_ORDER, type IdMap, type MountOp, type LaunchPlan, type LaunchPlanStep } from './plan.js';

/* Wire format: see native/plan.h. Little-endian throughout. */
const MAGIC = 0x314c5845; // "EXL1"
const Tag = { options: 1, uidMap: 2, gidMap: 3, hostname: 4, mount: 5, root: 6, cwd: 7, landlock: 8, caps: 9, noNewPrivs: 10, seccomp: 11, arg: 12, env: 13, exec: 14 } as const;
const STEP_TAG = { landlock: Tag.landlock, caps: Tag.caps, 'no-new-privs': Tag.noNewPrivs, seccomp: Tag.seccomp } as const;
const Option = { dieWithParent: 1, newSession: 2, loopback: 4, setgroupsDeny: 8, mountPrivate: 16, createTargets: 32 } as const;
const MOUNT_OPS = ['bind', 'tmpfs', 'proc', 'devpts', 'mkdir', 'symlink', 'file', 'remount-ro'] as const;
const MountFlag = { readOnly: 1, recursive: 2, optional: 4, nosuid: 8, nodev: 16, noexec: 32 } as const;
/** proc and devpts never need set-id programs, devices or executables. */
const PSEUDO_FS_FLAGS = MountFlag.nosuid | MountFlag.nodev | MountFlag.noexec;
const ALL_CLONE_FLAGS = Object.values(CloneFlags).reduce((a, b) => a | b, 0);
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The plan's writer: a header (magic, total length) written last, records with their length patched in. */
class Writer extends ByteWriter {
  private recordStart = 0;

  constructor() {
    super(8);
  }
  begin(tag: number): this {
    this.u32(tag).u32(0);
    this.recordStart = this.length;
    return this;
  }
  end(): void {
    this.setU32(this.recordStart - 4, this.length - this.recordStart);
  }
  override finish(): Uint8Array {
    this.setU32(0, MAGIC).setU32(4, this.length);
    return super.finish();
  }
}

function flagBits<K extends string>(table: Record<K, number>, values: Partial<Record<K, boolean>>): number {
  let bits = 0;
  for (const key of Object.keys(table) as K[]) if (values[key] === true) bits |= table[key];
  return bits;
}

function encodeMount(w: Writer, m: MountOp): void {
  w.begin(Tag.mount).u32(MOUNT_OPS.indexOf(m.op) + 1);
  const flags = 'nosuid' in m ? flagBits(MountFlag, m as Partial<Record<keyof typeof MountFlag, boolean>>)
    : m.op === 'proc' || m.op === 'devpts' ? PSEUDO_FS_FLAGS : 0;
  w.u32(flags).u32('mode' in m ? m.mode : 0).u64(BigInt(m.op === 'tmpfs' ? m.size : 0)).str(m.target);
  if (m.op === 'bind') w.str(m.source);
  else if (m.op === 'symlink') w.str(m.linkTo);
  else if (m.op === 'file') w.bytes(m.content);
  else w.u32(0);
  w.end();
}

function encodeStep(w: Writer, s: LaunchPlanStep): void {
  w.begin(STEP_TAG[s.step]);
  if (s.step === 'landlock') {
    w.bytes(s.ruleset);
  } else if (s.step === 'caps') {
    w.bytes(s.ops);
  } else if (s.step === 'seccomp') {
    w.u32(s.flags).bytes(s.filter).u32(s.pidSlots.length);
    for (const slot of s.pidSlots) w.u32(slot);
  }
  w.end();
}

/**
 * Encodes a plan into the launcher's binary format. The plan is assumed valid
 * (`buildPlan` produces valid plans); the launcher re-checks everything anyway.
 */
export function encodePlan(plan: LaunchPlan): Uint8Array {
  const w = new Writer();
  const options = flagBits(Option, plan as unknown as Partial<Record<keyof typeof Option, boolean>>);
  w.begin(Tag.options).u32(options).u32(plan.cloneFlags).u32(plan.keepFds).u32(plan.planFd).u32(plan.parentPid).end();
  for (const m of plan.uidMap) w.begin(Tag.uidMap).u32(m.inside).u32(m.outside).u32(m.count).end();
  for (const m of plan.gidMap) w.begin(Tag.gidMap).u32(m.inside).u32(m.outside).u32(m.count).end();
  if (plan.hostname !== undefined) w.begin(Tag.hostname).str(plan.hostname).end();
  if (plan.staging !== undefined) w.begin(Tag.root).str(plan.staging).end();
  for (const m of plan.mounts) encodeMount(w, m);
  if (plan.cwd !== undefined) w.begin(Tag.cwd).str(plan.cwd).end();
  for (const s of plan.steps) encodeStep(w, s);
  for (const a of plan.argv) w.begin(Tag.arg).str(a).end();
  for (const e of plan.env) w.begin(Tag.env).str(e).end();
  for (const e of plan.exec) w.begin(Tag.exec).str(e).end();
  return w.finish();
}

class Reader {
  at = 0;
  constructor(private readonly view: DataView, private readonly base: number, readonly end: number) {}
  private need(n: number): number {
    if (this.end - this.at < n) throw bad('truncated record', this.base + this.at);
    const at = this.at;
    this.at += n;
    return at;
  }
  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }
  u64(): bigint {
    return this.view.getBigUint64(this.need(8), true);
  }
  bytes(): Uint8Array {
    const n = this.u32();
    const at = this.need(n);
    return new Uint8Array(this.view.buffer, this.view.byteOffset + at, n).slice();
  }
  str(): string {
    const at = this.base + this.at;
    try {
      return fromUtf8.decode(this.bytes());
    } catch (error) {
      if (error instanceof ExileError) throw error;
      throw bad('string is not UTF-8', at);
    }
  }
}

function bad(why: string, offset: number): ExileError {
  return new ExileError(ErrorCodes.INVALID_POLICY, `malformed plan: ${why} at byte ${offset}`, { path: 'plan', offset, reason: why });
}

function bits(value: number, table: Record<string, number>): Record<string, boolean> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [k, (value & v) !== 0]));
}

function decodeMount(r: Reader, offset: number): MountOp {
  const op = MOUNT_OPS[r.u32() - 1];
  if (op === undefined) throw bad('unknown mount op', offset);
  const flags = r.u32();
  const mode = r.u32();
  const size = Number(r.u64());
  const target = r.str();
  const f = bits(flags, MountFlag) as Record<keyof typeof MountFlag, boolean>;
  switch (op) {
    case 'bind': return { op, source: r.str(), target, ...f };
    case 'tmpfs': r.u32(); return { op, target, mode, size, readOnly: f.readOnly, nosuid: f.nosuid, nodev: f.nodev, noexec: f.noexec };
    case 'proc': case 'devpts': r.u32(); return { op, target };
    case 'mkdir': r.u32(); return { op, target, mode };
    case 'symlink': return { op, target, linkTo: r.str() };
    case 'file': return { op, target, content: r.bytes(), mode };
    case 'remount-ro': r.u32(); return { op, target, optional: f.optional, nosuid: f.nosuid, nodev: f.nodev, noexec: f.noexec };
  }
}

function decodeStep(r: Reader, tag: number): LaunchPlanStep {
  if (tag === Tag.caps) return { step: 'caps', ops: r.bytes() };
  if (tag === Tag.noNewPrivs) return { step: 'no-new-privs' };
  if (tag === Tag.seccomp) {
    const flags = r.u32();
    const filter = r.bytes();
    return { step: 'seccomp', flags, filter, pidSlots: Array.from({ length: r.u32() }, () => r.u32()) };
  }
  return { step: 'landlock', ruleset: r.bytes() };
}

/** Execution rank of each step's tag: tags are only identifiers, `STEP_ORDER` is the order. */
const stepRank = new Map<number, number>(STEP_ORDER.map((s, i) => [STEP_TAG[s], i]));

/**
 * Decodes the launcher's binary plan (for tests and debugging). Structural problems throw
 * `ERR_EXILE_INVALID_POLICY` with `details.offset`; value checks are the launcher's.
 */
export function decodePlan(bytes: Uint8Array): LaunchPlan {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint32(0, true) !== MAGIC) throw bad('bad magic', 0);
  if (view.getUint32(4, true) !== bytes.length) throw bad('length mismatch', 4);
  const plan: LaunchPlan = {
    dieWithParent: false, newSession: false, cloneFlags: 0, setgroupsDeny: false, uidMap: [], gidMap: [], loopback: false,
    mountPrivate: false, createTargets: false, mounts: [], steps: [], argv: [], env: [], exec: [], keepFds: 0, planFd: 0, parentPid: 0,
  };
  let at = 8;
  while (at < bytes.length) {
    if (bytes.length - at < 8) throw bad('truncated record header', at);
    const tag = view.getUint32(at, true);
    const length = view.getUint32(at + 4, true);
    if (bytes.length - at - 8 < length) throw bad('truncated record', at);
    const r = new Reader(new DataView(bytes.buffer, bytes.byteOffset + at + 8, length), at + 8, length);
    if ((at === 8) !== (tag === Tag.options)) throw bad('options record must come first, once', at);
    decodeRecord(plan, tag, r, at);
    if (r.at !== length) throw bad('trailing bytes in record', at);
    at += 8 + length;
  }
  if (at === 8) throw bad('no options record', at);
  return plan;
}

function readMap(r: Reader): IdMap {
  return { inside: r.u32(), outside: r.u32(), count: r.u32() };
}

function decodeRecord(plan: LaunchPlan, tag: number, r: Reader, at: number): void {
  switch (tag) {
    case Tag.options: {
      Object.assign(plan, bits(r.u32(), Option));
      plan.cloneFlags = r.u32();
      if ((plan.cloneFlags & ~ALL_CLONE_FLAGS) !== 0) throw bad('unknown clone flag', at);
      plan.keepFds = r.u32();
      plan.planFd = r.u32();
      plan.parentPid = r.u32();
      return;
    }
    case Tag.uidMap: plan.uidMap.push(readMap(r)); return;
    case Tag.gidMap: plan.gidMap.push(readMap(r)); return;
    case Tag.hostname: plan.hostname = r.str(); return;
    case Tag.root: plan.staging = r.str(); return;
    case Tag.mount: plan.mounts.push(decodeMount(r, at)); return;
    case Tag.cwd: plan.cwd = r.str(); return;
    case Tag.arg: plan.argv.push(r.str()); return;
    case Tag.env: plan.env.push(r.str()); return;
    case Tag.exec: plan.exec.push(r.str()); return;
    default: {
      const rank = stepRank.get(tag);
      if (rank === undefined) throw bad('unknown record tag', at);
      const last = plan.steps[plan.steps.length - 1];
      if (last !== undefined && STEP_ORDER.indexOf(last.step) > rank) throw bad('pre-exec steps out of order', at);
      plan.steps.push(decodeStep(r, tag));
    }
  }
}
