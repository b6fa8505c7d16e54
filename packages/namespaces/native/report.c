#include "report.h"

#include <errno.h>
#include <sys/stat.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static int status_fd = -1, is_file;

void report_init(int fd) {
  struct stat st;
  status_fd = fd;
  is_file = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}
int report_fd(void) { return status_fd; }

static void put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}

_Noreturn void die(enum exile_step step, int err, const char *detail) {
  unsigned char record[16 + 4096];
  size_t n = detail ? strnlen(detail, 4096) : 0;
  put32(record, REPORT_MAGIC);
  put32(record + 4, (uint32_t)step);
  put32(record + 8, (uint32_t)err);
  put32(record + 12, (uint32_t)n);
  if (n) memcpy(record + 16, detail, n);
  if (status_fd >= 0) {
    /* One write: the parent reads the record as a unit; a failure here leaves only the exit code. */
    ssize_t ignored = is_file && ftruncate(status_fd, 0) == 0 ? pwrite(status_fd, record, 16 + n, 0) : write(status_fd, record, 16 + n);
    (void)ignored;
  }
  _exit(EXIT_SETUP_FAILED);
}
