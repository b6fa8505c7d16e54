import { invalid, ownData } from '@exile/common';
import type { ArgCheck, Rule } from './types.js';
import WIDTHS from './tables/arg-widths.js';

/** The bits of argument `index` of `syscall` the kernel uses; 64 for a syscall without a prototype. */
function bitsOf(syscall: string, index: number): 16 | 32 | 64 {
  return (Object.hasOwn(WIDTHS, syscall) ? WIDTHS[syscall]![index] : undefined) ?? 64;
}

/**
 * How many bits of argument `index` of `syscall` a comparison must use: 32 for the arguments the
 * kernel declares `int`, `unsigned int`, `pid_t`, `umode_t` … (and file descriptors), which it
 * truncates before use, so a 64-bit comparison is bypassed by garbage in the upper half
 * (`ioctl(fd, 0x1_00005412)` is TIOCSTI); 64 for `long`, pointers, `size_t`, and for a syscall
 * without a prototype (the not-implemented ones). From the kernel's prototypes
 * (`tables/arg-widths.ts`, generated).
 */
export function argWidth(syscall: string, index: number): 32 | 64 {
  return bitsOf(syscall, index) <= 32 ? 32 : 64;
}


const LOW16 = 0xffffn;

/**
 * A check of a 16-bit argument (a `umode_t` mode) as the kernel sees it, which ignores bits 16–31
 * too: `eq` becomes `masked-eq` on the low 16 bits, `masked-eq` keeps a mask within them; any
 * other comparison would see bits the kernel drops, and is refused.
 */
function sixteenBit(check: ArgCheck, at: string, which: string): ArgCheck {
  const integer = (v: number | bigint | undefined) => (typeof v === 'bigint' || Number.isInteger(v) ? BigInt(v!) : undefined);
  const value = integer(check.value);
  const mask = integer(check.mask);
  // Not an integer: the validator names the bad value.
  if (value === undefined || (check.mask !== undefined && mask === undefined)) return { ...check, width: 32 };
  const why = `argument ${check.index} of ${which} is 16 bits wide (the kernel ignores the rest)`;
  if (check.op === 'eq' && value >= 0n && value <= LOW16) return { ...check, op: 'masked-eq', mask: LOW16, width: 32 };
  if (check.op === 'masked-eq' && mask !== undefined && (mask & ~LOW16) === 0n) return { ...check, width: 32 };
  throw invalid(at, `${check.op === 'masked-eq' ? 'masks bits above 0xffff' : `compares with ${check.op} ${check.value}`}, but ${why}: use eq, or masked-eq with a mask within 0xffff`);
}

/**
 * Rules with every argument check's width taken from the syscalls' signatures: a check without
 * `width` gets the argument's own (32 for `ioctl`'s request and other `int` arguments), and a
 * 64-bit check of a 32-bit argument is refused with `ERR_EXILE_INVALID_POLICY` (`details.path`
 * `$[i].args[j].width`): the kernel would never see the upper half it compares. A 16-bit
 * argument (a mode) is compared on its 16 bits: `eq` as `masked-eq` with mask 0xffff, other
 * comparisons refused. A rule naming syscalls whose argument differs between 16 bits and wider
 * is refused (give each its own rule). For rules a caller writes; `compile()` itself keeps
 * libseccomp's 64-bit default (OCI profiles rely on it).
 */
export function withArgWidths(rules: readonly Rule[]): Rule[] {
  return ownData(rules).map((rule, i) => {
    if (rule.args === undefined) return rule;
    const names = Array.isArray(rule.syscall) ? rule.syscall : [rule.syscall];
    const args = rule.args.map((check, j): ArgCheck => {
      const at = `$[${i}].args[${j}]`;
      const bits = new Set(names.map((name) => bitsOf(name, check.index)));
      const narrow = (b: number) => names.filter((name) => bitsOf(name, check.index) === b).join(', ');
      if (bits.has(16) && bits.size > 1) {
        throw invalid(`$[${i}].syscall`, `names syscalls whose argument ${check.index} is 16 bits wide (${narrow(16)}) with ones where it is wider: give each its own rule`);
      }
      if (check.width === 64 && (bits.has(32) || bits.has(16))) {
        throw invalid(`${at}.width`, `compares 64 bits, but argument ${check.index} of ${narrow(bits.has(16) ? 16 : 32)} is ${bits.has(16) ? 16 : 32} bits wide (the kernel truncates it): use width 32`);
      }
      if (bits.has(16)) return sixteenBit(check, at, narrow(16));
      return { ...check, width: check.width ?? (bits.has(32) ? 32 : 64) };
    });
    return { ...rule, args };
  });
}
