import { syscalls } from '@exile/seccomp';
import type { Arch } from './policy-types.js';

/** Name of syscall `nr` on `arch`, from @exile/seccomp's tables. */
export function syscallName(nr: number, arch: Arch): string | undefined {
  return syscalls.name(nr, arch);
}

/** Number of `name` on `arch`, or undefined when the architecture lacks it. */
export function syscallNumber(name: string, arch: Arch): number | undefined {
  return syscalls.number(name, arch);
}

/** Every syscall of `arch`. */
export function syscallList(arch: Arch): string[] {
  return syscalls.list(arch);
}
