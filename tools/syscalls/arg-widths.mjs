#!/usr/bin/env node
// Generates packages/seccomp/src/tables/arg-widths.ts: the width in bits of every argument of every
// syscall, from the kernel's own prototypes (include/linux/syscalls.h and the generic and riscv
// arch headers) in Debian's linux-headers-*-common. The kernel truncates a register to its
// parameter's type, so a seccomp check must compare no more bits than that (ioctl's `unsigned int
// cmd`: 0x1_00005412 is TIOCSTI).
// Usage: node tools/syscalls/arg-widths.mjs "$(bash tools/debs/fetch.sh kernel-headers-7.2)"
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HEADERS = ['include/linux/syscalls.h', 'include/asm-generic/syscalls.h', 'arch/riscv/include/asm/syscall.h'];

// Bits of each parameter type the prototypes use, on the 64-bit architectures exile has tables for
// (x86_64, aarch64, riscv64; i386 registers are 32 bits anyway). A type not here stops the generator.
const TYPE_BITS = {
  'int': 32, 'unsigned int': 32, 'unsigned': 32, 'u32': 32, '__u32': 32, '__s32': 32, 'uint32_t': 32,
  'pid_t': 32, 'uid_t': 32, 'gid_t': 32, 'qid_t': 32, 'clockid_t': 32, 'timer_t': 32, 'mqd_t': 32,
  'key_t': 32, 'key_serial_t': 32, 'rwf_t': 32, 'enum landlock_rule_type': 32,
  'umode_t': 16, 'old_uid_t': 16, 'old_gid_t': 16,
  'long': 64, 'unsigned long': 64, 'size_t': 64, 'loff_t': 64, 'off_t': 64, 'u64': 64, 'uintptr_t': 64,
  'aio_context_t': 64, 'old_sigset_t': 64,
  // Pointer typedefs.
  'cap_user_header_t': 64, 'cap_user_data_t': 64, '__sighandler_t': 64,
};

// Arch-configured variants (`#ifdef CONFIG_CLONE_BACKWARDS` …) that none of exile's 64-bit
// architectures sets: declarations under them are skipped, their `#else` branches kept.
const UNSET = ['CONFIG_CLONE_BACKWARDS', 'CONFIG_CLONE_BACKWARDS3', 'CONFIG_ARCH_SPLIT_ARG64',
  'CONFIG_OLD_SIGSUSPEND', 'CONFIG_OLD_SIGSUSPEND3'];

// Table names whose entry point has another name (syscall_64.tbl, asm-generic/unistd.h).
const ENTRY = { umount2: 'umount', stat: 'newstat', lstat: 'newlstat', fstat: 'newfstat', uname: 'newuname' };

// x86-only syscalls, defined in arch/x86 sources that no header declares (SYSCALL_DEFINE there).
const X86_ONLY = {
  arch_prctl: 'int option, unsigned long arg2', // arch/x86/kernel/process_64.c
  modify_ldt: 'int func, void __user *ptr, unsigned long bytecount', // arch/x86/kernel/ldt.c
  iopl: 'unsigned int level', // arch/x86/kernel/ioport.c
  set_thread_area: 'struct user_desc __user *u_info', // arch/x86/kernel/tls.c
  get_thread_area: 'struct user_desc __user *u_info',
};

/** The source without comments and continuations, and without what an unset knob's #if keeps:
 *  its #else is taken; any other #if keeps both branches (a duplicate then stops the generator). */
function preprocess(text) {
  const kept = [];
  const stack = []; // per open #if: { skip, knob }
  for (const line of text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\\\n/g, ' ').split('\n')) {
    const directive = /^\s*#\s*(ifdef|ifndef|if|elif|else|endif)\b(.*)$/.exec(line);
    if (!directive) {
      if (!stack.some((branch) => branch.skip)) kept.push(line);
      continue;
    }
    const [, word, rest] = directive;
    const knob = word !== 'ifndef' && UNSET.some((name) => new RegExp(`\\b${name}\\b`).test(rest));
    if (word === 'elif') throw new Error(`#elif is not understood: ${line}`);
    if (word === 'else') stack.at(-1).skip = stack.at(-1).knob && !stack.at(-1).skip;
    else if (word === 'endif') stack.pop();
    else stack.push({ skip: knob, knob });
  }
  return kept.join('\n');
}

function bitsOf(param, where) {
  const p = param.replace(/\b(const|__user|volatile)\b/g, ' ').replace(/\s+/g, ' ').trim();
  if (p.includes('*')) return 64;
  if (p === 'void') return undefined;
  if (Object.hasOwn(TYPE_BITS, p)) return TYPE_BITS[p];
  const words = p.split(' ');
  const type = words.slice(0, -1).join(' '); // without the parameter's name
  if (!Object.hasOwn(TYPE_BITS, type)) {
    throw new Error(`${where}: unknown parameter type in ${JSON.stringify(param)}: add it to TYPE_BITS`);
  }
  // A file descriptor declared `unsigned long` (readv, mmap …) is looked up with fdget()/fget(),
  // which take an `unsigned int` (include/linux/file.h): the kernel uses its low 32 bits only.
  return words.at(-1) === 'fd' ? Math.min(TYPE_BITS[type], 32) : TYPE_BITS[type];
}

function widthsOf(params, where) {
  return params.split(',').map((p) => bitsOf(p, where)).filter((bits) => bits !== undefined);
}

const root = process.argv[2];
if (!root) {
  console.error('usage: arg-widths.mjs <unpacked linux-headers-*-common root>');
  process.exit(2);
}
const src = join(root, 'usr', 'src');
const tree = join(src, readdirSync(src).find((d) => d.startsWith('linux-headers-')));
const package_ = tree.split('/').at(-1);
const decls = new Map();
for (const header of HEADERS) {
  const text = preprocess(readFileSync(join(tree, header), 'utf8'));
  for (const [, name, params] of text.matchAll(/asmlinkage\s+long\s+sys_(\w+)\s*\(([^;]*?)\)\s*;/g)) {
    if (decls.has(name)) throw new Error(`sys_${name} declared twice: decide the variant in UNSET`);
    decls.set(name, widthsOf(params, `${header}: sys_${name}`));
  }
}
for (const [name, params] of Object.entries(X86_ONLY)) decls.set(name, widthsOf(params, name));
for (const [name, entry] of Object.entries(ENTRY)) decls.set(name, decls.get(entry));

const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages', 'seccomp', 'src', 'tables', 'arg-widths.ts');
const names = [...decls.keys()].sort();
const body = names.map((name) => `  ${name}: [${decls.get(name).join(', ')}],`).join('\n');
writeFileSync(out, `// Generated by tools/syscalls/arg-widths.mjs from the syscall prototypes of Debian
// ${package_} (tools/debs/pins.txt kernel-headers-7.2). Do not edit.
/** The width in bits of each argument of ${names.length} syscalls, by name, as the kernel declares it
 *  on 64-bit architectures: 16 and 32 are truncated by the kernel before use. */
const widths: Readonly<Record<string, readonly (16 | 32 | 64)[]>> = {
${body}
};
export default widths;
`);
console.log(`${names.length} syscalls`);
