// Test helper: makes one syscall through a foreign ABI and reports the raw result.
//   foreign-abi x32   → getpid through the x32 ABI (nr | 0x40000000) on x86_64
//   foreign-abi i386  → getpid (i386 nr 20) through int 0x80
// Prints "<mode> <result>" and exits 0 when the call returned at all.
#include <stdio.h>
#include <string.h>

static long x32_getpid(void) {
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(0x40000000L | 39L) : "rcx", "r11", "memory");
  return ret;
}

static long i386_getpid(void) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
  return ret;
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  long ret;
  if (strcmp(argv[1], "x32") == 0) ret = x32_getpid();
  else if (strcmp(argv[1], "i386") == 0) ret = i386_getpid();
  else return 2;
  printf("%s %ld\n", argv[1], ret);
  return 0;
}
