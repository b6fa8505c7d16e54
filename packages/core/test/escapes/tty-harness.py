# Runs argv on a fresh pseudo-terminal that is its controlling terminal (a user's shell, in
# miniature), then reports what the program printed and what it left in the terminal's input
# queue: bytes a shell would read and run after the program exits.
import fcntl, json, os, select, subprocess, sys, termios

argv = sys.argv[1:]
master, slave = os.openpty()
report_r, report_w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(master)
    os.close(report_r)
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    attrs = termios.tcgetattr(slave)
    attrs[3] &= ~(termios.ECHO | termios.ICANON)
    attrs[6][termios.VMIN] = 0
    attrs[6][termios.VTIME] = 0
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    status = subprocess.run(argv).returncode
    queued = os.read(0, 4096).decode(errors='replace')
    os.write(report_w, json.dumps({'status': status, 'queued': queued}).encode())
    os._exit(0)
os.close(slave)
os.close(report_w)
output = b''
while True:
    ready, _, _ = select.select([master], [], [], 0.2)
    if ready:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            chunk = b''
        if chunk:
            output += chunk
            continue
    done, _ = os.waitpid(pid, os.WNOHANG)
    if done:
        break
report = json.loads(os.read(report_r, 65536).decode())
print(json.dumps({**report, 'output': output.decode(errors='replace')}))
