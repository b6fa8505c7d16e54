import { eq, masked, none } from './checks.js';
import { OPEN_MASK } from './open-modes.js';
import { IOCTL, MAP_FIXED, MAP_PRIVATE, O, PROT, SIGSYS } from './linux.js';
import { CLONE_THREAD_RULE } from './table.js';
import type { ArgCheck, Action } from './policy-types.js';

/** One syscall shape the Node runtime needs after start-up, and why (measured: tools/vows-runtime). */
export interface RuntimeEntry {
  readonly syscall: string | readonly string[];
  readonly args?: readonly ArgCheck[];
  /** Defaults to allow. */
  readonly action?: Action;
  readonly reason: string;
}

const RWX = PROT.READ | PROT.WRITE | PROT.EXEC;
const RX = PROT.READ | PROT.EXEC;

/**
 * `runtime: 'node'`: what a running Node 20 process calls by itself, whatever the program does —
 * measured with tools/vows-runtime/measure.mjs (timers, promises, GC, JSON, crypto, zlib, workers,
 * JIT, WebAssembly) and kept minimal. File, network and process work is *not* here: it needs vows.
 */
export const NODE_RUNTIME: readonly RuntimeEntry[] = [
  { syscall: ['futex'], reason: 'V8 platform workers, the libuv thread pool and Worker threads wait on futexes.' },
  { syscall: ['epoll_pwait', 'epoll_wait', 'epoll_ctl'], reason: 'The libuv event loop polls every loop iteration.' },
  { syscall: ['read', 'write'], reason: 'libuv wakes loops by writing/reading an eventfd (uv_async_send); seccomp cannot tell that fd from others, so any fd can be read and written.' },
  { syscall: ['close'], reason: 'libuv and V8 close their own descriptors (worker loops, eventfds).' },
  { syscall: ['mmap', 'mprotect', 'pkey_mprotect'], args: [none(2, PROT.EXEC)], reason: 'V8 reserves and commits heap pages, guard pages, thread stacks and ArrayBuffers; malloc arenas.' },
  { syscall: ['mprotect', 'pkey_mprotect'], args: [eq(2, RWX)], reason: 'The JIT: V8 (Node 20 on x86_64) makes pages of its reserved code range RWX when it allocates code; WebAssembly code space likewise, tagged with a protection key (pkey_mprotect) on CPUs with PKU.' },
  { syscall: ['mprotect', 'pkey_mprotect'], args: [eq(2, RX)], reason: 'A Worker start copies V8\'s embedded builtins into its code range and makes them read+execute (the fallback after the refused mmap below).' },
  { syscall: 'mmap', args: [eq(2, RX), eq(3, MAP_PRIVATE | MAP_FIXED)], reason: 'A Worker start remaps V8\'s embedded builtins from the node binary into its code range (CodeRange::RemapEmbeddedBuiltins) and aborts if that mmap fails once it could open the binary (with rpath). glibc\'s dlopen() always adds MAP_DENYWRITE, so this exact shape does not let native addons load.' },
  { syscall: 'mmap', args: [{ index: 2, op: 'masked-eq', mask: PROT.EXEC, value: PROT.EXEC, width: 32 }], action: { errno: 'EPERM' }, reason: 'Every other PROT_EXEC mapping is refused without prot_exec, but with EPERM instead of the penalty: dlopen() of a native addon then fails with an error (tested), and V8 takes its fallback paths.' },
  { syscall: 'open', args: [masked(1, OPEN_MASK, O.RDONLY)], action: { errno: 'EACCES' }, reason: 'Not allowed without rpath, but EACCES instead of the penalty: glibc malloc reads /proc/sys/vm/overcommit_memory the first time it shrinks a thread heap, and libuv/V8 read /proc/meminfo, cgroup limits and /proc/self/maps when a Worker starts; all of them cope with a failed open.' },
  { syscall: 'openat', args: [masked(2, OPEN_MASK, O.RDONLY)], action: { errno: 'EACCES' }, reason: 'As open().' },
  { syscall: ['readlink', 'readlinkat', 'stat', 'lstat', 'newfstatat', 'statx', 'access', 'faccessat', 'faccessat2'], action: { errno: 'EACCES' }, reason: 'Not allowed without rpath (fstat of an fd is stdio), but EACCES instead of the penalty: a Worker start makes V8 read /proc/self/exe, and when stdout is a terminal libuv reopens it by name — glibc\'s ttyname_r() readlinks /proc/self/fd/N, then stats /dev/pts entries; all cope with the error.' },
  { syscall: 'ioctl', args: [eq(1, IOCTL.TCSETS)], reason: 'At exit Node restores the terminal modes it saved at start-up (ResetStdio: tcsetattr on a terminal stdin/stdout).' },
  { syscall: 'getcwd', reason: 'A Worker start fails without the cwd (uv_cwd). Reveals the cwd path, nothing else.' },
  { syscall: 'sysinfo', reason: 'A Worker sizes its heap from the total memory: libuv falls back to sysinfo() when /proc/meminfo cannot be read.' },
  { syscall: ['munmap', 'madvise', 'brk', 'mremap'], reason: 'The garbage collector returns and discards pages (MADV_DONTNEED/MADV_FREE); malloc grows the heap.' },
  { syscall: ['rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'sigaltstack', 'restart_syscall'], reason: 'Thread start blocks signals, libuv and V8 query and install handlers, and the SIGSYS reporter returns through rt_sigreturn.' },
  { syscall: 'clone', args: CLONE_THREAD_RULE.args, reason: 'The libuv thread pool starts lazily on the first fs/crypto/zlib/dns job; V8 and Worker threads. Only thread-shaped clone flags.' },
  { syscall: ['set_robust_list', 'rseq', 'gettid', 'sched_getaffinity', 'set_tid_address', 'exit', 'exit_group', 'sched_yield'], reason: 'glibc thread start and exit; V8 sizes its worker pool from the affinity mask.' },
  { syscall: ['eventfd2', 'epoll_create1', 'pipe2'], reason: 'Each Worker creates its own libuv loop.' },
  { syscall: ['getpid', 'capget', 'getuid', 'geteuid', 'getgid', 'getegid'], reason: 'Node asks for its pid often (tracing, process.pid); a Worker start checks credentials.' },
  { syscall: ['clock_gettime', 'clock_getres', 'gettimeofday', 'nanosleep', 'clock_nanosleep'], reason: 'Timers (normally through the vDSO, which seccomp never sees; the syscall is the fallback).' },
  { syscall: ['getrandom'], reason: 'V8 and OpenSSL seed from the kernel (Math.random, hash seeds, crypto).' },
  { syscall: ['membarrier'], reason: 'V8 flushes instruction caches of other cores after patching code (arm64).' },
];

/**
 * Refused first, before any allow: replacing the SIGSYS handler would turn every `kill` penalty
 * into a silent error return. Querying (act == NULL) stays allowed.
 */
export const SIGSYS_GUARD: { syscall: string; args: ArgCheck[] } = {
  syscall: 'rt_sigaction',
  args: [eq(0, SIGSYS), { index: 1, op: 'ne', value: 0n, width: 64 }],
};
