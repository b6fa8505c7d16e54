# The attack: push "INJECTED" and a newline into the terminal on fd FD (argv[1]) with TIOCSTI, once
# with the request as the kernel defines it, once with garbage in its upper 32 bits (the kernel
# truncates the request to 32 bits). Also reports whether the terminal is this program's
# controlling one (job control) and whether it leads its own session.
import ctypes, errno, fcntl, json, os, sys, termios

fd = int(sys.argv[1])
result = {}
try:
    for c in b'INJECTED\n':
        fcntl.ioctl(fd, termios.TIOCSTI, bytes([c]))
    result['tiocsti'] = 'ok'
except OSError as e:
    result['tiocsti'] = errno.errorcode[e.errno]
libc = ctypes.CDLL(None, use_errno=True)
byte = ctypes.c_char(b'W')
wide = libc.ioctl(fd, ctypes.c_ulong(0x1_0000_5412), ctypes.byref(byte))
result['wide'] = 'ok' if wide == 0 else errno.errorcode[ctypes.get_errno()]
try:
    os.tcgetpgrp(fd)
    result['jobControl'] = 'ok'
except OSError as e:
    result['jobControl'] = errno.errorcode[e.errno]
result['ownSession'] = os.getsid(0) == os.getpid()
print(json.dumps(result), flush=True)
