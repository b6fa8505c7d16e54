import { CLONE_THREAD_RULE } from './table.js';
import { eq } from './checks.js';
import { AF, IOCTL, O, SOCK } from './linux.js';
import type { RuntimeEntry } from './runtime-node.js';

/**
 * `runtime: 'program'`: what a program started under vows (`spawn()`, `exile run`) needs to start
 * and run, whatever it does, on top of its vows — measured with tools/vows-runtime/programs.mjs
 * over the dynamic loader and glibc's start-up and exit, threads, and the runtimes of Node,
 * CPython, Go (static and dynamic) and a shell pipeline, and kept minimal. Nothing here reads or
 * changes anything outside the process: file, network and process work still needs vows.
 */
export const PROGRAM_RUNTIME: readonly RuntimeEntry[] = [
  { syscall: 'clone', args: CLONE_THREAD_RULE.args, reason: 'Threads: glibc\'s pthread_create (after clone3 gets ENOSYS), Go\'s runtime (one OS thread per P), V8 and libuv in Node, CPython\'s threading. Only thread-shaped clone flags: never a new process or namespace.' },
  { syscall: 'capget', reason: 'Node reads its own capabilities at start-up (whether to trust the environment, as for setuid programs).' },
  { syscall: 'sysinfo', reason: 'Total memory: libuv (Node\'s heap limits) and CPython size their caches from it.' },
  { syscall: ['pkey_alloc', 'pkey_free'], reason: 'V8 in Node 22 and later takes a memory protection key for its JIT code at start-up on CPUs that have them (reported with Node 22; the Node 20 measured here does not). A key only protects the process\'s own memory.' },
  { syscall: 'ioctl', args: [eq(1, IOCTL.TCSETS)], reason: 'At exit Node restores the terminal modes it saved at start-up (ResetStdio: tcsetattr on a terminal stdin/stdout), as in the Node runtime list; measured on a terminal. Only setting modes: never TIOCSTI or TIOCLINUX.' },
  { syscall: 'getpeername', action: { errno: 'ENOTSOCK' }, reason: 'Refused without a socket vow, but ENOTSOCK instead of the penalty: bash -c asks whether its stdin is a network connection (to read .bashrc as under sshd) and goes on when it is not. With inet or unix the vow allows it first.' },
  { syscall: 'ioctl', args: [eq(1, IOCTL.TIOCGPGRP)], action: { errno: 'ENOTTY' }, reason: 'Refused without tty, but ENOTTY (not a terminal) instead of the penalty: bash asks fd 2 for its foreground process group when it starts, terminal or pipe, and goes on as it does on a pipe. With tty the vow allows it first.' },
  { syscall: 'openat', args: [eq(2, O.RDWR | O.NOCTTY | O.CLOEXEC)], action: { errno: 'EACCES' }, reason: 'Refused without wpath, but EACCES instead of the penalty: libuv (Node) reopens a terminal stdin/stdout/stderr by name read-write (uv_tty_init) and uses the inherited descriptor when that fails. Only this exact flag set; with wpath the vow allows it first.' },
  { syscall: 'socket', args: [eq(0, AF.UNIX), eq(1, SOCK.STREAM | SOCK.CLOEXEC | SOCK.NONBLOCK), eq(2, 0)], action: { errno: 'EACCES' }, reason: 'Refused without unix, but EACCES instead of the penalty: glibc asks nscd for a user or group name before it reads /etc/passwd or /etc/group (getpwuid: bash started without $SHELL, id, ls -l, git), and reads the files when this socket cannot be made. Only this exact type; with unix the vow allows it first.' },
  { syscall: 'openat', args: [eq(2, O.RDWR | O.NONBLOCK)], action: { errno: 'ENXIO' }, reason: 'Refused without wpath, but ENXIO (no controlling terminal) instead of the penalty: bash opens /dev/tty read-write when it starts a script, and goes on without it. Only this exact flag set; with wpath the vow allows it first.' },
];
