/**
 * A ruleset for another executor — exile-launch (@exile/namespaces), right before `execve` — as
 * opaque bytes: framing around kernel structs this package encodes. The launcher reads only the
 * framing: it creates the ruleset from `attr`, opens each path rule's path, splices the fd into
 * the rule struct (for a directory or for a file) at the offset given here, adds each rule with
 * the rule type and add-rule flags given here and restricts with the flags given here. So it holds
 * no Landlock struct, size, constant or ABI number.
 *
 * Framing, little-endian (decode_landlock in namespaces/native/plan.c reads it):
 *   u32 magic "LLR2", u32 restrict flags, bytes attr, u32 rule count, then per rule:
 *   u32 rule type, u32 path flags, u32 add-rule flags; no PATH flag: bytes rule struct;
 *   PATH: u64 dev, u64 ino, u32 fd offset, str path, bytes rule for a directory, bytes rule for a file.
 * `bytes` and `str` are a u32 length and that many bytes; an empty rule is not added on that kind.
 */

import { ByteWriter } from '@exile/common';

// "LLR2": the add-rule flags of ABI 10 (quiet rules) came with version 2.
const MAGIC = 0x3252_4c4c;

/** Path rule flags. */
export const PathFlag = {
  /** The rule names a path the launcher opens. */
  path: 1,
  /** The path was resolved at planning: the launcher opens it O_NOFOLLOW and fails closed when it
   *  is not the same file (device, inode) any more. */
  identity: 2,
} as const;

/** A rule added as it is (a port rule). */
export interface FixedRule {
  type: number;
  /** landlock_add_rule's flags. */
  addFlags: number;
  rule: Uint8Array;
}

/** A rule on a path: the launcher opens it and picks `dir` or `file` by what it is. */
export interface PathRule {
  type: number;
  /** landlock_add_rule's flags. */
  addFlags: number;
  path: string;
  /** Device and inode expected at `path`; absent: not checked (the path exists only in the child). */
  identity?: { dev: bigint; ino: bigint };
  fdOffset: number;
  dir: Uint8Array;
  file: Uint8Array;
}

/** The bytes of a ruleset for exile-launch. */
export function encodeRuleset(attr: Uint8Array, restrictFlags: number, rules: readonly (FixedRule | PathRule)[]): Uint8Array {
  const w = new ByteWriter().u32(MAGIC).u32(restrictFlags).bytes(attr).u32(rules.length);
  for (const rule of rules) {
    if (!('path' in rule)) {
      w.u32(rule.type).u32(0).u32(rule.addFlags).bytes(rule.rule);
      continue;
    }
    const flags = PathFlag.path | (rule.identity === undefined ? 0 : PathFlag.identity);
    w.u32(rule.type).u32(flags).u32(rule.addFlags).u64(rule.identity?.dev ?? 0n).u64(rule.identity?.ino ?? 0n).u32(rule.fdOffset)
      .str(rule.path).bytes(rule.dir).bytes(rule.file);
  }
  return w.finish();
}
