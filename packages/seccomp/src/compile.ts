import { ErrorCodes, ExileError, invalid } from '@exile/common';
import { ARCHES, isArch, nativeArch } from './arches.js';
import { MAX_INSNS, decode, encode } from './bpf.js';
import { generate } from './codegen.js';
import { disassemble } from './disassemble.js';
import type { Arch, BpfProgram, SeccompPolicy } from './types.js';
import { normalize } from './validate.js';

/** Options of `compile()`. */
export interface CompileOptions {
  /** Target architecture; default: this process's. */
  arch?: Arch;
}

/** Wraps raw `struct sock_filter` bytes as a BpfProgram (no verification; evaluate() verifies). */
export function program(arch: Arch, instructions: Uint8Array): BpfProgram {
  return {
    arch,
    instructions,
    length: instructions.byteLength / 8,
    disassemble: () => disassemble(decode(instructions)),
  };
}

/** The architecture to compile for: the given one, else this process's. */
export function targetArch(arch: Arch | undefined): Arch {
  if (arch !== undefined) {
    if (!isArch(arch)) {
      throw invalid('arch', `unknown architecture ${JSON.stringify(arch)} (one of ${Object.keys(ARCHES).join(', ')})`);
    }
    return arch;
  }
  const native = nativeArch();
  if (native === undefined) throw new ExileError(ErrorCodes.UNSUPPORTED, `no syscall table for process.arch ${process.arch}`, { arch: process.arch });
  return native;
}

/**
 * Compiles a policy to a seccomp BPF program for one architecture. Throws ExileError
 * (ERR_EXILE_INVALID_POLICY / ERR_EXILE_UNKNOWN_SYSCALL with `details.path`) on bad input and
 * when the program would exceed the kernel's 4096 instructions.
 */
export function compile(policy: SeccompPolicy, opts: CompileOptions = {}): BpfProgram {
  const arch = targetArch(opts.arch);
  const insns = generate(normalize(policy, arch));
  if (insns.length > MAX_INSNS) {
    throw invalid('$.rules', `the compiled filter has ${insns.length} instructions; the kernel accepts at most ${MAX_INSNS}`,
      { length: insns.length, max: MAX_INSNS });
  }
  return program(arch, encode(insns));
}
