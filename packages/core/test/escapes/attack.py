# The attacks of #17 that need a privilege exile must not hand on, one per argument:
#   mount-proc DIR       mount a procfs at DIR/proc (then /proc/<caller>/root reaches the host)
#   remount-rw PATH      make a read-only bind mount read-write
#   setns PID            enter PID's network namespace
#   pidfd-getfd PID FD   take a copy of PID's file descriptor FD, then write "stolen" to it
#   mknod PATH b|c MAJ MIN
#   socket FAMILY TYPE   a socket of that family (numbers) and type
#   kill PID             signal 0 to PID
#   kill-own             signal itself and a child of its own (what must keep working)
#   connect-abstract N   connect to Node's abstract Unix socket N; listen-abstract N: listen on one, connect to it
#   memfd FLAGS          memfd_create() with FLAGS (MFD_NOEXEC_SEAL is 8)
#   memfd-exec PROG      copy PROG into a memfd and run it through execveat(fd, "", AT_EMPTY_PATH)
#   fexecve PROG         open PROG and run it through execveat(fd, "", AT_EMPTY_PATH)
#   ioctl REQ            ioctl(0, REQ) with REQ as given (may exceed 32 bits), a 4-byte buffer
#   mkdir PATH MODE      mkdir() with MODE as given (may exceed 16 bits)
#   sethostname          set the host name to what it already is
#   capeff               the effective capability set
# Prints one JSON object: {attack: "ok" | errno name | value}.
import ctypes, errno, json, os, socket, sys

libc = ctypes.CDLL(None, use_errno=True)
SYS_PIDFD_GETFD = 438
CLONE_NEWNET = 0x40000000
MS_REMOUNT, MS_BIND = 0x20, 0x1000


def call(ret):
    if ret < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return ret


def run(name, args):
    if name == 'mount-proc':
        target = os.path.join(args[0], 'proc')
        os.makedirs(target, exist_ok=True)
        call(libc.mount(b'proc', target.encode(), b'proc', 0, None))
        return 'ok'
    if name == 'remount-rw':
        call(libc.mount(None, args[0].encode(), None, MS_REMOUNT | MS_BIND, None))
        return 'ok'
    if name == 'setns':
        fd = os.open(f'/proc/{args[0]}/ns/net', os.O_RDONLY)
        call(libc.setns(fd, CLONE_NEWNET))
        return 'ok'
    if name == 'pidfd-getfd':
        pidfd = os.pidfd_open(int(args[0]))
        fd = call(libc.syscall(SYS_PIDFD_GETFD, pidfd, int(args[1]), 0))
        os.write(fd, b'stolen\n')
        return 'ok'
    if name == 'mknod':
        kind = {'b': 0o060000, 'c': 0o020000}[args[1]]
        os.mknod(args[0], kind | 0o600, os.makedev(int(args[2]), int(args[3])))
        return 'ok'
    if name == 'socket':
        socket.socket(int(args[0]), int(args[1])).close()
        return 'ok'
    if name == 'kill':
        os.kill(int(args[0]), 0)
        return 'ok'
    if name == 'kill-own':
        import subprocess
        child = subprocess.Popen(['sleep', '30'])
        os.kill(child.pid, 15)
        child.wait()
        os.kill(os.getpid(), 0)
        return 'ok'
    if name == 'connect-abstract':
        # Node names an abstract socket with the whole sun_path, NUL-padded.
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect(('\0' + args[0]).ljust(108, '\0'))
        return 'ok'
    if name == 'listen-abstract':
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind('\0' + args[0])
        server.listen()
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect('\0' + args[0])
        return 'ok'
    if name == 'memfd':
        os.close(os.memfd_create('exile', int(args[0])))
        return 'ok'
    if name in ('memfd-exec', 'fexecve'):
        if name == 'memfd-exec':
            fd = os.memfd_create('exile', 0)
            os.write(fd, open(args[0], 'rb').read())
        else:
            fd = os.open(args[0], os.O_RDONLY)
        # Python's execve on an fd is fexecve(): execveat(fd, "", argv, envp, AT_EMPTY_PATH).
        os.execve(fd, ['echo', json.dumps({name: 'ok'})], {})
    if name == 'ioctl':
        buf = ctypes.create_string_buffer(8)
        call(libc.ioctl(0, ctypes.c_ulong(int(args[0], 0)), buf))
        return 'ok'
    if name == 'mkdir':
        os.mkdir(args[0], int(args[1], 0))
        return 'ok'
    if name == 'sethostname':
        name = socket.gethostname().encode()
        call(libc.sethostname(name, len(name)))
        return 'ok'
    if name == 'capeff':
        return [l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff:')][0]
    raise SystemExit(f'unknown attack {name}')


name, args = sys.argv[1], sys.argv[2:]
try:
    result = run(name, args)
except OSError as e:
    result = errno.errorcode.get(e.errno, str(e.errno))
print(json.dumps({name: result}), flush=True)
