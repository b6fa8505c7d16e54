import x86_64 from './tables/x86_64.js';
import i386 from './tables/i386.js';
import aarch64 from './tables/aarch64.js';
import riscv64 from './tables/riscv64.js';

export interface ArchInfo {
  /** AUDIT_ARCH_* value the kernel puts in seccomp_data.arch. */
  audit: number;
  /** Syscall name → number. */
  table: Readonly<Record<string, number>>;
  /** x86_64 shares its AUDIT_ARCH with x32, whose syscalls carry this bit in nr. */
  x32Bit?: number;
  /** Node's process.arch for this architecture. */
  node: string;
  /** The C preprocessor test that is true when compiling for it (selects its numbers in exile/syscall_numbers.h). */
  cpp: string;
  /** Names OCI/Docker seccomp profiles use for it: Go's (amd64), Docker's (x86), the kernel's, SCMP_ARCH_*. */
  oci: readonly string[];
}

/**
 * The architectures exile supports, and everything about each that is data: AUDIT_ARCH values from
 * linux/audit.h (all four are little-endian). The one list: `Arch`, the tables and the C numbers
 * (tools/syscalls/c-header.mjs) come from it.
 */
const LIST = {
  x86_64: { audit: 0xc000003e, table: x86_64, x32Bit: 0x40000000, node: 'x64', cpp: 'defined(__x86_64__) && !defined(__ILP32__)',
    oci: ['amd64', 'x86_64', 'SCMP_ARCH_X86_64'] },
  i386: { audit: 0x40000003, table: i386, node: 'ia32', cpp: 'defined(__i386__)', oci: ['x86', '386', 'i386', 'SCMP_ARCH_X86'] },
  aarch64: { audit: 0xc00000b7, table: aarch64, node: 'arm64', cpp: 'defined(__aarch64__)', oci: ['arm64', 'aarch64', 'SCMP_ARCH_AARCH64'] },
  riscv64: { audit: 0xc00000f3, table: riscv64, node: 'riscv64', cpp: 'defined(__riscv) && __riscv_xlen == 64', oci: ['riscv64', 'SCMP_ARCH_RISCV64'] },
} satisfies Readonly<Record<string, ArchInfo>>;

/** Architectures exile has syscall tables for. */
export type Arch = keyof typeof LIST;

export const ARCHES: Readonly<Record<Arch, ArchInfo>> = LIST;

/** Every supported architecture name. */
export const ARCH_NAMES = Object.keys(ARCHES) as Arch[];

export function isArch(value: unknown): value is Arch {
  return typeof value === 'string' && Object.hasOwn(ARCHES, value);
}

/** The architecture of this Node process, or undefined when exile has no table for it. */
export function nativeArch(): Arch | undefined {
  return ARCH_NAMES.find((arch) => ARCHES[arch].node === process.arch);
}
