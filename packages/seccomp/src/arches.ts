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
  /**
   * What exile's libc-free C (the threads engine, exile-launch, the vows SIGSYS reporter) needs
   * that is code, as data: tools/syscalls/c-header.mjs writes it into exile/syscall_numbers.h and
   * exile/arch.h builds the code from it. An architecture without it has seccomp filters, Landlock
   * (TSYNC) and the addons that call through libc, not that C nor the vows.
   */
  native?: NativeInfo;
  /**
   * Where its programs find their libraries, for a started program's files (core's program/):
   * ELF `e_machine`, the multiarch tuple of its library directories (`/lib/<tuple>`) and the
   * flags glibc's ld.so.cache gives its 64-bit libraries (FLAG_ELF_LIBC6 with the arch bits).
   */
  program?: ProgramLayout;
}

export interface ProgramLayout {
  elfMachine: number;
  multiarch: string;
  ldCacheFlags: number;
}

type Six = readonly [string, string, string, string, string, string];

export interface NativeInfo {
  /** The syscall instruction; the registers of the number, of arguments 0-5 and of the result (the number's or argument 0's); the other registers it clobbers. */
  syscall: { insn: string; nr: string; args: Six; result: string; clobbers: readonly string[] };
  /** The signal-return trampoline rt_sigaction's SA_RESTORER points at, one instruction a line; `NR` is rt_sigreturn's number. */
  sigreturn: readonly string[];
  /** Where a SIGSYS handler finds the trapped call in its ucontext_t: the register array of `uc_mcontext`, the indexes of arguments 0-5 and of the result in it, and its element type. */
  sigsys: { regs: string; args: Six; result: string; type: string };
}

/**
 * The architectures exile supports, and everything about each that is data: AUDIT_ARCH values from
 * linux/audit.h (all four are little-endian). The one list: `Arch`, the tables and the C numbers
 * (tools/syscalls/c-header.mjs) come from it.
 */
const LIST = {
  x86_64: { audit: 0xc000003e, table: x86_64, x32Bit: 0x40000000, node: 'x64', cpp: 'defined(__x86_64__) && !defined(__ILP32__)',
    oci: ['amd64', 'x86_64', 'SCMP_ARCH_X86_64'],
    program: { elfMachine: 62, multiarch: 'x86_64-linux-gnu', ldCacheFlags: 0x0303 },
    native: {
      syscall: { insn: 'syscall', nr: 'rax', args: ['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'], result: 'rax', clobbers: ['rcx', 'r11'] },
      sigreturn: ['movq $NR, %rax', 'syscall', 'hlt'],
      sigsys: { regs: 'gregs', args: ['REG_RDI', 'REG_RSI', 'REG_RDX', 'REG_R10', 'REG_R8', 'REG_R9'], result: 'REG_RAX', type: 'greg_t' },
    } },
  i386: { audit: 0x40000003, table: i386, node: 'ia32', cpp: 'defined(__i386__)', oci: ['x86', '386', 'i386', 'SCMP_ARCH_X86'] },
  aarch64: { audit: 0xc00000b7, table: aarch64, node: 'arm64', cpp: 'defined(__aarch64__)', oci: ['arm64', 'aarch64', 'SCMP_ARCH_AARCH64'],
    program: { elfMachine: 183, multiarch: 'aarch64-linux-gnu', ldCacheFlags: 0x0a03 },
    native: {
      syscall: { insn: 'svc 0', nr: 'x8', args: ['x0', 'x1', 'x2', 'x3', 'x4', 'x5'], result: 'x0', clobbers: ['cc'] },
      sigreturn: ['mov x8, #NR', 'svc #0', 'brk #0'],
      sigsys: { regs: 'regs', args: ['0', '1', '2', '3', '4', '5'], result: '0', type: 'uint64_t' },
    } },
  riscv64: { audit: 0xc00000f3, table: riscv64, node: 'riscv64', cpp: 'defined(__riscv) && __riscv_xlen == 64', oci: ['riscv64', 'SCMP_ARCH_RISCV64'] },
} satisfies Readonly<Record<string, ArchInfo>>;

/** Architectures exile has syscall tables for. */
export type Arch = keyof typeof LIST;

export const ARCHES: Readonly<Record<Arch, ArchInfo>> = LIST;

/** Every supported architecture name. */
export const ARCH_NAMES = Object.keys(ARCHES) as Arch[];

/** The library layout of the architecture whose ELF `e_machine` is `machine`, if the list has it. */
export function programLayout(machine: number): ProgramLayout | undefined {
  return ARCH_NAMES.map((arch): ProgramLayout | undefined => ARCHES[arch].program).find((layout) => layout?.elfMachine === machine);
}

/** The architectures with `native` data: where exile's libc-free C builds. */
export type NativeArch = { [A in Arch]: (typeof LIST)[A] extends { native: NativeInfo } ? A : never }[Arch];

/** Their names, in the list's order. */
export const NATIVE_ARCH_NAMES = ARCH_NAMES.filter((arch) => ARCHES[arch].native !== undefined) as NativeArch[];

export function isArch(value: unknown): value is Arch {
  return typeof value === 'string' && Object.hasOwn(ARCHES, value);
}

/** The architecture of this Node process, or undefined when exile has no table for it. */
export function nativeArch(): Arch | undefined {
  return ARCH_NAMES.find((arch) => ARCHES[arch].node === process.arch);
}
