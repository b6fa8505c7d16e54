/** Every vow, in OpenBSD pledge order where pledge has it. */
export const VOW_NAMES = [
  'stdio', 'rpath', 'wpath', 'cpath', 'dpath', 'tmppath', 'flock', 'fattr', 'chown', 'inet', 'anet',
  'unix', 'dns', 'sendfd', 'recvfd', 'tty', 'proc', 'thread', 'exec', 'prot_exec', 'id', 'settime',
  'unveil', 'vminfo', 'fsnotify', 'ioctl', 'prctl', 'sched', 'shm', 'seccomp_install', 'clone',
] as const;

export type Vow = (typeof VOW_NAMES)[number];
