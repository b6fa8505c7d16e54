/**
 * Linux ABI constants the vow table checks arguments against. The values are identical on
 * x86_64 and aarch64 (both use the generic socket, ioctl, clone and mman numbers, and the
 * open flags used here are the same on both), which the tests assert against the C headers.
 */
export const O = {
  ACCMODE: 0o3,
  RDONLY: 0o0,
  WRONLY: 0o1,
  RDWR: 0o2,
  CREAT: 0o100,
  TRUNC: 0o1000,
  /** `__O_TMPFILE` alone: `O_TMPFILE` is `__O_TMPFILE | O_DIRECTORY`, and testing that would deny every O_DIRECTORY open. */
  TMPFILE_BIT: 0o20000000,
  PATH: 0o10000000,
  NOCTTY: 0o400,
  NONBLOCK: 0o4000,
  CLOEXEC: 0o2000000,
} as const;

/** setuid, setgid and sticky bits of a mode argument. */
export const MODE_DANGER_BITS = 0o7000;

// NETLINK and PACKET: families no vow allows that programs open to ask about the network (getifaddrs), named in refusals.
export const AF = { UNIX: 1, INET: 2, INET6: 10, NETLINK: 16, PACKET: 17 } as const;
export const SOCK = { STREAM: 1, DGRAM: 2, SEQPACKET: 5, TYPE_MASK: 0xf, NONBLOCK: 0o4000, CLOEXEC: 0o2000000 } as const;
export const IPPROTO = { IP: 0, TCP: 6, UDP: 17, IPV6: 41 } as const;
export const SOL_SOCKET = 1;
export const SO_TYPE = 3;
export const SO_ERROR = 4;
export const SO_PROTOCOL = 38;
export const SO_DOMAIN = 39;

export const PROT = { NONE: 0, READ: 1, WRITE: 2, EXEC: 4 } as const;
export const MAP_PRIVATE = 0x02;
export const MAP_FIXED = 0x10;

export const CLONE = {
  VM: 0x100, FS: 0x200, FILES: 0x400, SIGHAND: 0x800, PIDFD: 0x1000, PTRACE: 0x2000, VFORK: 0x4000,
  PARENT: 0x8000, THREAD: 0x10000, NEWNS: 0x20000, UNTRACED: 0x800000, NEWCGROUP: 0x02000000,
  NEWUTS: 0x04000000, NEWIPC: 0x08000000, NEWUSER: 0x10000000, NEWPID: 0x20000000, NEWNET: 0x40000000,
} as const;
/** Every namespace-creating clone flag: no vow allows them. */
export const CLONE_NAMESPACES = CLONE.NEWNS | CLONE.NEWCGROUP | CLONE.NEWUTS | CLONE.NEWIPC | CLONE.NEWUSER
  | CLONE.NEWPID | CLONE.NEWNET;

export const F = {
  DUPFD: 0, GETFD: 1, SETFD: 2, GETFL: 3, SETFL: 4, GETLK: 5, SETLK: 6, SETLKW: 7, DUPFD_CLOEXEC: 1030,
  OFD_GETLK: 36, OFD_SETLK: 37, OFD_SETLKW: 38,
} as const;

export const PR = {
  SET_PDEATHSIG: 1, GET_PDEATHSIG: 2, GET_DUMPABLE: 3, SET_DUMPABLE: 4, GET_KEEPCAPS: 7, SET_NAME: 15,
  GET_NAME: 16, GET_SECCOMP: 21, SET_SECCOMP: 22, CAPBSET_READ: 23, CAPBSET_DROP: 24, SET_TIMERSLACK: 29,
  GET_TIMERSLACK: 30, SET_CHILD_SUBREAPER: 36, GET_CHILD_SUBREAPER: 37, SET_NO_NEW_PRIVS: 38,
  GET_NO_NEW_PRIVS: 39, SET_THP_DISABLE: 41, GET_THP_DISABLE: 42, GET_SPECULATION_CTRL: 52,
} as const;

export const SECCOMP = {
  SET_MODE_FILTER: 1, GET_ACTION_AVAIL: 2,
  FLAG_TSYNC: 1, FLAG_LOG: 2, FLAG_TSYNC_ESRCH: 16,
} as const;
export const SECCOMP_MODE_FILTER = 2;

/** ioctl request numbers (generic/x86 numbering, shared by aarch64). */
export const IOCTL = {
  TCGETS: 0x5401, TCSETS: 0x5402, TCSETSW: 0x5403, TCSETSF: 0x5404, TCSBRK: 0x5409, TCXONC: 0x540a,
  TCFLSH: 0x540b, TIOCGPGRP: 0x540f, TIOCSPGRP: 0x5410, TIOCSTI: 0x5412, TIOCGWINSZ: 0x5413,
  TIOCSWINSZ: 0x5414, FIONREAD: 0x541b, TIOCLINUX: 0x541c, FIONBIO: 0x5421, TIOCSBRK: 0x5427,
  TIOCCBRK: 0x5428, FIONCLEX: 0x5450, FIOCLEX: 0x5451, TIOCGPTN: 0x80045430,
} as const;

/** AT_EMPTY_PATH: the *at() call acts on the fd itself (glibc's fstat() is newfstatat(fd, "", AT_EMPTY_PATH)). */
export const AT_EMPTY_PATH = 0x1000;
/** personality(0xffffffff) only queries the persona. */
export const PERSONALITY_QUERY = 0xffffffff;
export const SIGSYS = 31;
/** SHM_EXEC flag of shmat(). */
export const SHM_EXEC = 0o100000;
/** memfd_create() flag: the memfd can never be made executable (Linux 6.3). */
export const MFD_NOEXEC_SEAL = 0x8;
