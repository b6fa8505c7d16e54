/** The profiles a policy (`"profiles"`) or `exile run --profile` may name. */
export const PROFILE_NAMES = ['system', 'sh', 'node', 'python', 'go'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/**
 * What a common runtime reads and runs, as file-system grants added to the policy's own. Paths
 * that do not exist on a machine are left out; a `*` in the last component matches any names
 * (`/usr/lib/python3*`). Every list was measured on the real program (`exile learn`, and
 * `strace -f -e trace=openat,execve` for what learn generalises) — see `measured`.
 */
export interface ProfileDefinition {
  /** One line for `exile help profiles`. */
  summary: string;
  /** Programs found on the PATH: each with its ELF loader and shared libraries, read and execute. */
  programs?: readonly string[];
  /** Read and execute (trees of programs). */
  exec?: readonly string[];
  /** Read only. */
  read?: readonly string[];
  /** Environment variables naming a file to read, when set (a CA bundle, an OpenSSL configuration). */
  readFromEnv?: readonly string[];
  /** The runs the lists come from. */
  measured: string;
}

// Where TLS clients find the machine's trust store: the bundle and hashed certificates (links into
// /usr/share/ca-certificates on Debian). Never all of /etc/ssl: /etc/ssl/private holds keys.
const TRUST = ['/etc/ssl/certs', '/usr/share/ca-certificates', '/etc/pki/tls/certs'];
/** Where OpenSSL's configuration may be (Node refuses to start when openssl.cnf exists but cannot be read). */
export const OPENSSL_CONF_FILES = ['/etc/ssl/openssl.cnf', '/usr/lib/ssl/openssl.cnf', '/usr/local/ssl/openssl.cnf'];
const TLS = [...OPENSSL_CONF_FILES, ...TRUST];
// Local time: /etc/localtime links into the zoneinfo tree.
const TIME = ['/etc/localtime', '/etc/timezone', '/usr/share/zoneinfo'];
// User and group names (getpwuid through NSS's files module).
const NAMES = ['/etc/passwd', '/etc/group', '/etc/nsswitch.conf'];
// glibc's locales and character-set converters.
const LOCALE = ['/usr/lib/locale', '/usr/share/locale/locale.alias', '/etc/locale.alias', '/usr/lib/*-linux-gnu/gconv'];
// The multiarch library directories: read and execute, because the mount fallback (no Landlock)
// binds read-only paths noexec, where no library can be mapped (Landlock itself checks only execve).
const LIBRARIES = ['/lib/*-linux-gnu', '/usr/lib/*-linux-gnu'];

export const PROFILES: Readonly<Record<ProfileName, ProfileDefinition>> = {
  system: {
    summary: 'the read-only system most programs need: /usr and /lib* (read and execute), the loader\'s cache, locales, time zones, the TLS trust store, user and group names',
    exec: ['/usr', '/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32'],
    // Debian's alternatives: /usr/bin/cc, editor, pager, ... are links through /etc/alternatives.
    read: ['/etc/ld.so.cache', '/etc/alternatives', ...LOCALE, ...TIME, ...TLS, ...NAMES],
    measured: 'exile learn of git, make + cc, python3, node, sh pipelines: each read /usr and /lib* trees, /etc/ld.so.cache, locale files, /etc/localtime, the trust store and /etc/passwd',
  },
  sh: {
    summary: 'a POSIX shell and the coreutils it runs: /bin and /usr/bin (read and execute), the C library, locales, user and group names',
    programs: ['sh'],
    exec: ['/bin', '/usr/bin', ...LIBRARIES],
    read: ['/etc/ld.so.cache', ...LOCALE, ...TIME, ...NAMES],
    measured: 'sh -c \'ls -l / | sort | wc -l; date; id -un; cat /etc/hostname | tr a-z A-Z\' under strace -f: the shell, coreutils from /usr/bin, libc, libselinux and libpcre2 (ls), the C.utf8 locale, gconv and locale.alias, /etc/localtime (date), /etc/passwd, /etc/group and /etc/nsswitch.conf (ls -l, id)',
  },
  node: {
    summary: 'Node.js: the node on the PATH with its libraries, OpenSSL\'s configuration, the CA bundle and NODE_EXTRA_CA_CERTS, time zones, user names',
    programs: ['node'],
    // Heap sizing: libuv reads the process's cgroup and its memory limit (without them Node sizes
    // its heap from the machine's memory and a container's limit can kill it), V8 its own maps.
    read: ['/etc/ld.so.cache', ...TLS, ...TIME, ...NAMES, '/proc/meminfo', '/proc/self/cgroup', '/proc/self/maps', '/sys/fs/cgroup'],
    readFromEnv: ['NODE_EXTRA_CA_CERTS', 'OPENSSL_CONF', 'SSL_CERT_FILE'],
    measured: 'node -e (https, tls.createSecureContext, Intl, os.userInfo, crypto) and node --use-openssl-ca under strace -f, and exile run --profile node --diagnose: node, libstdc++/libgcc_s/libm/libc, /etc/ld.so.cache, /etc/ssl/openssl.cnf, /etc/ssl/certs, /etc/localtime, /etc/passwd, /etc/nsswitch.conf, /proc/meminfo, /proc/self/cgroup and the memory limits under /sys/fs/cgroup, /proc/self/maps',
  },
  python: {
    summary: 'CPython 3: the python3 on the PATH with its libraries, the standard library and site-packages, locales, time zones, the TLS trust store, user names',
    programs: ['python3'],
    exec: [...LIBRARIES, '/usr/lib/python3*/lib-dynload'],
    read: ['/usr/lib/python3*', '/usr/local/lib/python3*', '/etc/ld.so.cache', ...LOCALE, ...TIME, ...TLS, ...NAMES],
    readFromEnv: ['SSL_CERT_FILE'],
    measured: 'python3 -c (ssl, json, locale, time, pwd, decimal, sqlite3, hashlib) under strace -f: python3, /usr/lib/python3.11 (and lib-dynload), /usr/lib/python3/dist-packages, /usr/local/lib/python3.11/dist-packages, libssl/libcrypto/libsqlite3/libexpat/libz, C.utf8 and gconv, locale.alias, /etc/localtime, /etc/ssl/certs, /usr/lib/ssl/openssl.cnf, /etc/passwd and /etc/nsswitch.conf (pwd)',
  },
  go: {
    summary: 'Go programs (static or dynamic; the program itself is always granted): the TLS trust store, time zones, name resolution files, user and group names',
    read: [...TRUST, ...TIME, ...NAMES, '/etc/resolv.conf', '/etc/hosts', '/etc/services', '/sys/kernel/mm/transparent_hugepage/hpage_pmd_size'],
    readFromEnv: ['SSL_CERT_FILE'],
    measured: 'esbuild (static, from the npm registry) and a cgo binary using os/user, crypto/x509, time.LoadLocation and net.LookupPort under strace -f: hpage_pmd_size at start, /etc/ssl/certs, /usr/share/zoneinfo, /etc/passwd, /etc/nsswitch.conf, /etc/resolv.conf, /etc/services (net\'s resolver also reads /etc/hosts)',
  },
};
