import type { Vow } from './names.js';
import type { VowDefinition, VowRule } from './definition.js';
import { all, eq, gt, isNull, lt, masked, none } from './checks.js';
import {
  AF, AT_EMPTY_PATH, CLONE, CLONE_NAMESPACES, F, IOCTL, MODE_DANGER_BITS, O, PERSONALITY_QUERY, PR, PROT,
  SECCOMP, SECCOMP_MODE_FILTER, SHM_EXEC, SO_DOMAIN, SO_ERROR, SO_PROTOCOL, SO_TYPE, SOCK, SOL_SOCKET,
} from './linux.js';
import { openRules, OPEN_MASK } from './open-modes.js';
import { INET_FAMILIES, INET_SOCKOPTS, sockoptRules, socketRules, TCP, UDP, UNIX_SOCKOPTS } from './sockets.js';

const anyOf = (syscall: string, index: 0 | 1 | 2 | 3, values: readonly number[]): VowRule[] =>
  values.map((value) => ({ syscall, args: [eq(index, value)] }));

/** chmod-like calls: the mode argument must not carry setuid, setgid or sticky bits. */
const noDangerBits = (calls: readonly (readonly [string, 0 | 1 | 2 | 3])[]): VowRule[] =>
  calls.map(([syscall, index]) => ({ syscall, args: [none(index, MODE_DANGER_BITS)] }));

/** A thread: shares memory, files, fs and signal handlers, and creates no namespace and no tracee. */
const THREAD_FLAGS = CLONE.VM | CLONE.FS | CLONE.FILES | CLONE.SIGHAND | CLONE.THREAD;
export const CLONE_THREAD_RULE: VowRule = {
  syscall: 'clone',
  args: [masked(0, THREAD_FLAGS | CLONE_NAMESPACES | CLONE.PTRACE | CLONE.UNTRACED | CLONE.VFORK | CLONE.PARENT, THREAD_FLAGS)],
};
/** A new process: any clone without namespace or ptrace flags. */
const CLONE_PROC_RULE: VowRule = { syscall: 'clone', args: [none(0, CLONE_NAMESPACES | CLONE.PTRACE | CLONE.UNTRACED)] };

/** Memory mapping without PROT_EXEC (the JIT exception lives in the Node runtime list). */
export const NO_EXEC_MEMORY: readonly VowRule[] = [
  { syscall: ['mmap', 'mprotect', 'pkey_mprotect'], args: [none(2, PROT.EXEC)] },
];

// Beyond OpenBSD's four: TCGETS (isatty), TIOCGWINSZ (terminal size) and TIOCGPTN (libuv asks a tty
// whether it is a pty slave before writing to it): read-only queries Node makes when stdout is a terminal.
const STDIO_IOCTLS = [IOCTL.FIONREAD, IOCTL.FIONBIO, IOCTL.FIOCLEX, IOCTL.FIONCLEX, IOCTL.TCGETS, IOCTL.TIOCGWINSZ, IOCTL.TIOCGPTN];
const TTY_IOCTLS = [IOCTL.TCSETS, IOCTL.TCSETSW, IOCTL.TCSETSF, IOCTL.TIOCGPGRP, IOCTL.TIOCSPGRP, IOCTL.TIOCSWINSZ,
  IOCTL.TCFLSH, IOCTL.TCXONC, IOCTL.TCSBRK, IOCTL.TIOCSBRK, IOCTL.TIOCCBRK];

/** The harmless prctl() options of stdio: thread names and read-only queries; NNP can only be turned on. */
const STDIO_PRCTL: VowRule[] = [
  ...anyOf('prctl', 0, [PR.SET_NAME, PR.GET_NAME, PR.GET_DUMPABLE, PR.GET_SECCOMP, PR.GET_NO_NEW_PRIVS,
    PR.CAPBSET_READ, PR.GET_KEEPCAPS, PR.GET_TIMERSLACK, PR.GET_CHILD_SUBREAPER, PR.GET_THP_DISABLE,
    PR.GET_SPECULATION_CTRL, PR.GET_PDEATHSIG]),
  { syscall: 'prctl', args: [eq(0, PR.SET_NO_NEW_PRIVS), { index: 1, op: 'eq', value: 1n, width: 64 }] },
];

/** What repeated vow() calls need: stacking another filter (TSYNC, optionally LOG) and setting NNP. */
export const SECCOMP_INSTALL_RULES: readonly VowRule[] = [
  { syscall: 'seccomp', args: [eq(0, SECCOMP.SET_MODE_FILTER), none(1, ~(SECCOMP.FLAG_TSYNC | SECCOMP.FLAG_LOG | SECCOMP.FLAG_TSYNC_ESRCH) >>> 0)] },
  { syscall: 'seccomp', args: [eq(0, SECCOMP.GET_ACTION_AVAIL)] },
  { syscall: 'prctl', args: [eq(0, PR.SET_SECCOMP), eq(1, SECCOMP_MODE_FILTER)] },
  { syscall: 'prctl', args: [eq(0, PR.SET_NO_NEW_PRIVS), { index: 1, op: 'eq', value: 1n, width: 64 }] },
  { syscall: 'prctl', args: [eq(0, PR.GET_NO_NEW_PRIVS)] },
];

const STAT_CALLS = ['stat', 'lstat', 'newfstatat', 'statx', 'access', 'faccessat', 'faccessat2', 'readlink', 'readlinkat',
  'statfs', 'getdents', 'getdents64', 'getcwd'];

/**
 * The vow table. A syscall is allowed when any granted vow lists it in `syscalls`, or when a
 * granted vow has a rule for it whose argument checks hold (and whose `requires` are granted too).
 * Not in any vow, ever: io_uring_*, bpf, ptrace, process_vm_*, userfaultfd, perf_event_open, the
 * keyring calls, the mount family, chroot, pivot_root, unshare, setns, kexec/modules, personality
 * (except the query), clone with namespace flags; clone3 and openat2 always get ENOSYS.
 */
export const VOWS: Readonly<Record<Vow, VowDefinition>> = {
  stdio: {
    description: 'Basic I/O on open descriptors, memory (no PROT_EXEC), time, signals, pipes, polling, own ids and limits.',
    syscalls: [
      'read', 'readv', 'pread64', 'preadv', 'preadv2', 'write', 'writev', 'pwrite64', 'pwritev', 'pwritev2',
      'close', 'close_range', 'dup', 'dup2', 'dup3', 'lseek', 'fstat', 'fstatfs', 'fsync', 'fdatasync', 'ftruncate',
      'sendfile', 'splice', 'tee', 'copy_file_range', 'getrandom', 'pipe', 'pipe2',
      'poll', 'ppoll', 'select', 'pselect6', 'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'epoll_pwait',
      'epoll_pwait2', 'eventfd', 'eventfd2', 'timerfd_create', 'timerfd_settime', 'timerfd_gettime', 'signalfd', 'signalfd4',
      'nanosleep', 'clock_nanosleep', 'clock_gettime', 'clock_getres', 'gettimeofday', 'time', 'getitimer', 'setitimer',
      'alarm', 'pause', 'getuid', 'geteuid', 'getgid', 'getegid', 'getresuid', 'getresgid', 'getgroups', 'getpid',
      'getppid', 'gettid', 'getpgid', 'getpgrp', 'getsid', 'getrlimit', 'getrusage', 'times', 'uname', 'umask',
      'brk', 'munmap', 'mremap', 'madvise', 'mincore', 'msync', 'membarrier',
      'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'rt_sigpending', 'rt_sigtimedwait', 'rt_sigsuspend',
      'sigaltstack', 'restart_syscall', 'exit', 'exit_group', 'sched_yield', 'sched_getaffinity', 'getcpu',
      'futex', 'set_robust_list', 'get_robust_list', 'rseq', 'set_tid_address', 'wait4', 'waitid',
      'shutdown', 'recvfrom', 'getsockname',
      // Read-ahead hints on an open file: coreutils (cat, wc, cut, sha256sum, ...) call posix_fadvise(SEQUENTIAL) first.
      'fadvise64',
    ],
    rules: [
      ...NO_EXEC_MEMORY,
      ...anyOf('fcntl', 1, [F.DUPFD, F.DUPFD_CLOEXEC, F.GETFD, F.SETFD, F.GETFL, F.SETFL]),
      ...anyOf('ioctl', 1, STDIO_IOCTLS),
      ...STDIO_PRCTL,
      // glibc's fstat() is newfstatat(fd, "", AT_EMPTY_PATH); libuv's is statx(fd, "", AT_EMPTY_PATH).
      { syscall: 'newfstatat', args: [all(3, AT_EMPTY_PATH)] },
      { syscall: 'statx', args: [all(2, AT_EMPTY_PATH)] },
      // libuv's uv_guess_handle() asks an inherited socket (stdio from a parent's spawn) for its family and type.
      ...anyOf('getsockopt', 2, [SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ERROR]).map((rule) => ({ ...rule, args: [eq(1, SOL_SOCKET), ...rule.args!] })),
      { syscall: 'sendto', args: [isNull(4)] },
      { syscall: 'socketpair', args: [eq(0, AF.UNIX)] },
      { syscall: 'prlimit64', args: [isNull(2)] },
      { syscall: ['kill', 'tgkill'], selfPid: 0 },
      { syscall: 'personality', args: [eq(0, PERSONALITY_QUERY)] },
      // x86_64 C runtime start (an exec'd program sets its TLS base) and CPU queries:
      // ARCH_SET_FS 0x1002, ARCH_GET_FS 0x1003, ARCH_GET_GS 0x1004, ARCH_GET_CPUID 0x1011, ARCH_CET_STATUS 0x3001.
      ...anyOf('arch_prctl', 0, [0x1002, 0x1003, 0x1004, 0x1011, 0x3001]),
    ],
  },
  rpath: {
    description: 'Read-only opens, stat, directory listing, cwd, readlink.',
    syscalls: [...STAT_CALLS, 'chdir', 'fchdir', 'getxattr', 'lgetxattr', 'fgetxattr', 'listxattr', 'llistxattr', 'flistxattr'],
    rules: openRules('rpath'),
  },
  wpath: {
    description: 'Opens for writing and truncation of existing files (O_RDWR also needs rpath).',
    syscalls: ['getcwd', 'truncate', 'fallocate'],
    rules: openRules('wpath'),
  },
  cpath: {
    description: 'Create, rename, link and remove files and directories (opens with O_CREAT also need rpath or wpath).',
    syscalls: ['getcwd', 'rename', 'renameat', 'renameat2', 'link', 'linkat', 'symlink', 'symlinkat', 'unlink', 'unlinkat', 'rmdir'],
    rules: [
      ...noDangerBits([['mkdir', 1], ['mkdirat', 2], ['creat', 1]]).map((rule) =>
        (rule.syscall === 'creat' ? { ...rule, requires: ['wpath'] as Vow[] } : rule)),
      ...openRules('cpath'),
    ],
  },
  dpath: {
    description: 'mknod and mkfifo (no setuid, setgid or sticky bits).',
    syscalls: [],
    rules: noDangerBits([['mknod', 1], ['mknodat', 2]]),
  },
  tmppath: {
    description: 'Create, read, write and remove files. Seccomp cannot see paths: confine it to the temp dir with Landlock.',
    syscalls: [...STAT_CALLS, 'unlink', 'unlinkat', 'rmdir', 'rename', 'renameat', 'renameat2', 'truncate'],
    rules: [...openRules('tmppath', true), ...noDangerBits([['mkdir', 1], ['mkdirat', 2]])],
  },
  flock: {
    description: 'flock() and fcntl() record locks.',
    syscalls: ['flock'],
    rules: anyOf('fcntl', 1, [F.GETLK, F.SETLK, F.SETLKW, F.OFD_GETLK, F.OFD_SETLK, F.OFD_SETLKW]),
  },
  fattr: {
    description: 'Change file modes (never setuid, setgid or sticky), times and extended attributes.',
    syscalls: ['utime', 'utimes', 'futimesat', 'utimensat', 'setxattr', 'lsetxattr', 'fsetxattr', 'removexattr',
      'lremovexattr', 'fremovexattr'],
    rules: noDangerBits([['chmod', 1], ['fchmod', 1], ['fchmodat', 2], ['fchmodat2', 2]]),
  },
  chown: {
    description: 'Change file owners and groups.',
    syscalls: ['chown', 'fchown', 'lchown', 'fchownat'],
    rules: [],
  },
  inet: {
    description: 'TCP and UDP sockets over IPv4 and IPv6: connect, listen, accept, send, receive; common socket options.',
    syscalls: ['bind', 'listen', 'connect', 'accept', 'accept4', 'getsockname', 'getpeername', 'sendto', 'recvfrom',
      'sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg'],
    rules: [
      ...socketRules(INET_FAMILIES, [TCP, UDP]),
      ...sockoptRules('setsockopt', INET_SOCKOPTS.set),
      ...sockoptRules('getsockopt', INET_SOCKOPTS.get),
    ],
  },
  anet: {
    description: 'Accept-only TCP: bind, listen and accept over IPv4/IPv6, no connect, no UDP.',
    syscalls: ['bind', 'listen', 'accept', 'accept4', 'getsockname', 'getpeername'],
    rules: [
      ...socketRules(INET_FAMILIES, [TCP]),
      ...sockoptRules('setsockopt', INET_SOCKOPTS.set),
      ...sockoptRules('getsockopt', INET_SOCKOPTS.get),
    ],
  },
  unix: {
    description: 'Unix-domain sockets: connect, listen, accept, send, receive.',
    syscalls: ['bind', 'listen', 'connect', 'accept', 'accept4', 'getsockname', 'getpeername', 'sendto', 'recvfrom',
      'sendmsg', 'recvmsg'],
    rules: [
      ...socketRules([AF.UNIX], [{ type: SOCK.STREAM, protocols: [0] }, { type: SOCK.DGRAM, protocols: [0] },
        { type: SOCK.SEQPACKET, protocols: [0] }]),
      ...sockoptRules('setsockopt', UNIX_SOCKOPTS.set),
      ...sockoptRules('getsockopt', UNIX_SOCKOPTS.get),
    ],
  },
  dns: {
    description: 'Name resolution: UDP/TCP sockets to name servers, AF_UNIX stream sockets (glibc asks nscd first), and read-only opens (the resolver reads /etc/hosts, /etc/resolv.conf; seccomp cannot check paths).',
    syscalls: ['connect', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg', 'bind', 'getsockname',
      'newfstatat', 'statx', 'fstat'],
    rules: [
      ...socketRules(INET_FAMILIES, [TCP, UDP]),
      ...socketRules([AF.UNIX], [{ type: SOCK.STREAM, protocols: [0] }]),
      ...sockoptRules('setsockopt', INET_SOCKOPTS.set),
      ...sockoptRules('getsockopt', INET_SOCKOPTS.get),
      ...([['open', 1], ['openat', 2]] as const).map(([syscall, flags]) => ({ syscall, args: [masked(flags, OPEN_MASK, O.RDONLY)] })),
    ],
  },
  sendfd: {
    description: 'sendmsg()/sendmmsg() (BPF cannot look inside msghdr, so this allows any message, SCM_RIGHTS included).',
    syscalls: ['sendmsg', 'sendmmsg'],
    rules: [],
  },
  recvfd: {
    description: 'recvmsg()/recvmmsg() (any message, SCM_RIGHTS included).',
    syscalls: ['recvmsg', 'recvmmsg'],
    rules: [],
  },
  tty: {
    description: 'Terminal control ioctls (termios, process group, window size, breaks); never TIOCSTI or TIOCLINUX.',
    syscalls: [],
    rules: anyOf('ioctl', 1, TTY_IOCTLS),
  },
  proc: {
    description: 'fork-like clone/fork/vfork (no namespaces), signals to any process, sessions, groups, priorities, limits.',
    syscalls: ['fork', 'vfork', 'kill', 'tkill', 'tgkill', 'setpgid', 'setsid', 'getpriority', 'setpriority', 'setrlimit',
      'prlimit64', 'pidfd_open', 'pidfd_send_signal', 'wait4', 'waitid'],
    rules: [CLONE_PROC_RULE],
  },
  thread: {
    description: 'Create threads (clone with CLONE_THREAD|CLONE_VM|..., no namespaces) and synchronise them.',
    syscalls: ['futex', 'futex_waitv', 'set_robust_list', 'get_robust_list', 'rseq', 'set_tid_address', 'membarrier', 'exit'],
    rules: [CLONE_THREAD_RULE],
  },
  exec: {
    description: 'execve() and execveat(): the new program inherits these vows (the SIGSYS reporter does not survive exec).',
    syscalls: ['execve', 'execveat'],
    rules: [],
  },
  prot_exec: {
    description: 'Executable memory: mmap/mprotect with PROT_EXEC (dlopen, JIT), shmat with SHM_EXEC.',
    syscalls: ['mmap', 'mprotect', 'pkey_mprotect'],
    rules: [{ syscall: 'shmat', requires: ['shm'] }],
  },
  id: {
    description: 'Change user and group ids, supplementary groups, capabilities, limits and priorities.',
    syscalls: ['setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid', 'setgroups', 'setfsuid', 'setfsgid',
      'capset', 'setrlimit', 'prlimit64', 'getpriority', 'setpriority'],
    rules: [],
  },
  settime: {
    description: 'Set the system clock.',
    syscalls: ['settimeofday', 'clock_settime', 'clock_adjtime', 'adjtimex'],
    rules: [],
  },
  unveil: {
    description: 'Landlock: create rulesets, add rules, restrict self (only ever narrows), and O_PATH opens for the rules.',
    syscalls: ['landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self'],
    rules: ([['open', 1], ['openat', 2]] as const).map(([syscall, flags]) => ({ syscall, args: [masked(flags, OPEN_MASK | O.PATH, O.PATH)] })),
  },
  vminfo: {
    description: 'System memory and load figures (sysinfo; /proc files need rpath).',
    syscalls: ['sysinfo'],
    rules: [],
  },
  fsnotify: {
    description: 'inotify watches.',
    syscalls: ['inotify_init', 'inotify_init1', 'inotify_add_watch', 'inotify_rm_watch'],
    rules: [],
  },
  ioctl: {
    description: 'Any ioctl request except TIOCSTI (inject terminal input) and TIOCLINUX, compared by exact value.',
    syscalls: [],
    rules: [
      { syscall: 'ioctl', args: [lt(1, IOCTL.TIOCSTI)] },
      ...anyOf('ioctl', 1, Array.from({ length: IOCTL.TIOCLINUX - IOCTL.TIOCSTI - 1 }, (_, i) => IOCTL.TIOCSTI + 1 + i)),
      { syscall: 'ioctl', args: [gt(1, IOCTL.TIOCLINUX)] },
    ],
  },
  prctl: {
    description: 'prctl() options that only affect this process harmlessly (dumpable off, death signal, timer slack, subreaper, THP, capability-bounding drop).',
    syscalls: [],
    rules: [
      ...anyOf('prctl', 0, [PR.SET_PDEATHSIG, PR.GET_PDEATHSIG, PR.SET_TIMERSLACK, PR.SET_CHILD_SUBREAPER,
        PR.SET_THP_DISABLE, PR.CAPBSET_DROP]),
      { syscall: 'prctl', args: [eq(0, PR.SET_DUMPABLE), { index: 1, op: 'eq', value: 0n, width: 64 }] },
    ],
  },
  sched: {
    description: 'Scheduling policy, parameters, affinity and I/O priority.',
    syscalls: ['sched_setparam', 'sched_getparam', 'sched_setscheduler', 'sched_getscheduler', 'sched_get_priority_max',
      'sched_get_priority_min', 'sched_rr_get_interval', 'sched_setattr', 'sched_getattr', 'sched_setaffinity',
      'getpriority', 'setpriority', 'ioprio_get', 'ioprio_set'],
    rules: [],
  },
  shm: {
    description: 'System V and POSIX shared memory, semaphores and message queues; memfd_create (never SHM_EXEC without prot_exec).',
    syscalls: ['shmget', 'shmdt', 'shmctl', 'semget', 'semop', 'semctl', 'semtimedop', 'msgget', 'msgsnd', 'msgrcv',
      'msgctl', 'mq_open', 'mq_unlink', 'mq_timedsend', 'mq_timedreceive', 'mq_notify', 'mq_getsetattr', 'memfd_create'],
    rules: [{ syscall: 'shmat', args: [none(2, SHM_EXEC)] }],
  },
  seccomp_install: {
    description: 'Stack further seccomp filters (SECCOMP_SET_MODE_FILTER with TSYNC/LOG only) and set no_new_privs. vow() always includes it.',
    syscalls: [],
    rules: SECCOMP_INSTALL_RULES,
  },
  clone: {
    description: 'Create processes with fork, vfork or clone (never with namespace or ptrace flags).',
    syscalls: ['fork', 'vfork'],
    rules: [CLONE_PROC_RULE],
  },
};

/** As in OpenBSD, even the empty promise may exit. */
export const ALWAYS_ALLOWED = ['exit', 'exit_group'] as const;

/** Answered with ENOSYS whatever the vows: their flags live in structs BPF cannot read, and libc falls back to clone/openat. */
export const ENOSYS_SYSCALLS = ['clone3', 'openat2'] as const;
