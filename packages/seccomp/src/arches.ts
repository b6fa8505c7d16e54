import type { Arch } from './types.js';
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
}

/** Per-architecture facts: AUDIT_ARCH values from linux/audit.h (all four are little-endian). */
export const ARCHES: Readonly<Record<Arch, ArchInfo>> = {
  x86_64: { audit: 0xc000003e, table: x86_64, x32Bit: 0x40000000, node: 'x64' },
  i386: { audit: 0x40000003, table: i386, node: 'ia32' },
  aarch64: { audit: 0xc00000b7, table: aarch64, node: 'arm64' },
  riscv64: { audit: 0xc00000f3, table: riscv64, node: 'riscv64' },
};

/** Every supported architecture name. */
export const ARCH_NAMES = Object.keys(ARCHES) as Arch[];

export function isArch(value: unknown): value is Arch {
  return typeof value === 'string' && Object.hasOwn(ARCHES, value);
}

/** The architecture of this Node process, or undefined when exile has no table for it. */
export function nativeArch(): Arch | undefined {
  return ARCH_NAMES.find((arch) => ARCHES[arch].node === process.arch);
}
