// PID 1 of the kernel-matrix initramfs: mounts what Node and exile need, brings loopback up,
// runs the conformance suite and powers off. Static, so the initramfs needs no loader for it.
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void must_mount(const char *type, const char *target, unsigned long flags, const char *data) {
  mkdir(target, 0755);
  if (mount(type, target, type, flags, data) != 0) printf("EXILE-INIT mount %s: %s\n", target, strerror(errno));
}

static void loopback_up(void) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) { printf("EXILE-INIT lo: %s\n", strerror(errno)); return; }
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0) printf("EXILE-INIT lo up: %s\n", strerror(errno));
  close(fd);
}

// The initramfs is rootfs, which pivot_root(2) refuses (exile-launch's mount-namespace sandbox
// uses it): copy it into a tmpfs and make that the root, as switch_root does.
static void switch_to_tmpfs(void) {
  mkdir("/newroot", 0755);
  if (mount("tmpfs", "/newroot", "tmpfs", 0, "mode=0755") != 0) { printf("EXILE-INIT tmpfs: %s\n", strerror(errno)); return; }
  pid_t cp = fork();
  if (cp == 0) {
    char *argv[] = {"sh", "-c", "cp -a /bin /etc /exile /node /init $(ls -d /lib /lib64 /usr 2>/dev/null) /newroot/", NULL};
    char *envp[] = {"PATH=/bin", NULL};
    execve("/bin/busybox", argv, envp);
    _exit(127);
  }
  int status = 0;
  waitpid(cp, &status, 0);
  if (status != 0) { printf("EXILE-INIT copy to tmpfs failed: %d\n", status); return; }
  for (const char *d = "dev\0proc\0sys\0tmp\0"; *d; d += strlen(d) + 1) {
    char path[64];
    snprintf(path, sizeof path, "/newroot/%s", d);
    mkdir(path, 0755);
  }
  if (chdir("/newroot") != 0 || mount(".", "/", NULL, MS_MOVE, NULL) != 0 || chroot(".") != 0 || chdir("/") != 0)
    printf("EXILE-INIT switch root: %s\n", strerror(errno));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("EXILE-INIT up\n");
  switch_to_tmpfs();
  must_mount("proc", "/proc", 0, NULL);
  must_mount("sysfs", "/sys", 0, NULL);
  must_mount("devtmpfs", "/dev", 0, NULL);
  must_mount("tmpfs", "/tmp", 0, "mode=1777");
  loopback_up();
  pid_t suite = fork();
  if (suite == 0) {
    char *argv[] = {"node", "/exile/suite/suite.mjs", NULL};
    // EXILE_SUITE_ONLY=WORD on the kernel command line reaches init's environment: pass it on.
    static char only[256] = "EXILE_SUITE_ONLY=";
    if (getenv("EXILE_SUITE_ONLY") != NULL) strncat(only, getenv("EXILE_SUITE_ONLY"), sizeof only - strlen(only) - 1);
    char *envp[] = {"PATH=/bin:/node/bin", "HOME=/tmp", "TMPDIR=/tmp", only, NULL};
    execve("/node/bin/node", argv, envp);
    printf("EXILE-INIT exec node: %s\n", strerror(errno));
    _exit(127);
  }
  int status = 0;
  for (;;) {  // PID 1 reaps every orphan until the suite itself exits
    pid_t pid = wait(&status);
    if (pid == suite || (pid < 0 && errno == ECHILD)) break;
  }
  printf("EXILE-INIT suite exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  sync();
  reboot(RB_POWER_OFF);
  return 0;
}
